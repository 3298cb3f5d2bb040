"""Permission-matrix rows of the equipment booking pages."""

ROWS: dict = {}
