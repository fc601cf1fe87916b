"""Reading spreadsheets (tables, xlsx, csvfile) and writing what bulkops produces (results,
reports, templates)."""

__all__: list[str] = []
