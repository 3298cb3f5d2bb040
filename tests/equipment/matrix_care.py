"""Permission-matrix rows of the equipment care pages."""

ROWS: dict = {}
