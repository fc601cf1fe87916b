"""How a resource is declared: its columns and their kinds (schema), the request body
built from a row (payload), and how a cell refers to another object (refs). Below
validation and the engine; it names no resource."""

__all__: list[str] = []
