"""`bulkops map`: a foreign sheet (another vendor's export, a customer's own columns) into a
resource's template form, through a mapping a person reads and edits.

The mapping is a workbook with one `Mapping` sheet: a row per template column saying where
its cells come from (`From`: a column of the foreign file, or `Constant`: one value for
every row), with `Values` mapping the foreign words to the template's (`Paused → suspended`),
and `(ignored)` rows for the foreign columns nothing takes. `suggest` proposes one (fuzzy
matching on labels, API paths and the words call-tracking exports use, with a score, and
only where the foreign values fit the column); `read_mapping` checks one against a foreign
file, naming each mistake by its row of the mapping; `apply` writes the template-form
workbook, row for row, and `provenance` names the foreign cell each of its cells came from.
"""

from bulkops.mapping.confirm import (
    apply,
    check_values,
    provenance,
    read_mapping,
    required_missing,
)
from bulkops.mapping.rules import (
    IGNORED,
    MAPPING_HEADER,
    MAPPING_SHEET,
    Mapped,
    Mapping,
    MappingProblems,
    Rule,
    foreign_sheet,
)
from bulkops.mapping.suggest import SYNONYMS, suggest, write_mapping

__all__ = [
    "IGNORED",
    "MAPPING_HEADER",
    "MAPPING_SHEET",
    "SYNONYMS",
    "Mapped",
    "Mapping",
    "MappingProblems",
    "Rule",
    "apply",
    "check_values",
    "foreign_sheet",
    "provenance",
    "read_mapping",
    "required_missing",
    "suggest",
    "write_mapping",
]
