"""What bulkops writes: the results workbook of a run, the validation report, and blank
templates (all through xlsxout, the shared writer)."""

__all__: list[str] = []
