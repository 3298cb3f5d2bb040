"""Permission-matrix rows of the equipment reports pages."""

ROWS: dict = {}
