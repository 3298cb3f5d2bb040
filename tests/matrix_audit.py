"""Permission-matrix rows of the audit trail: provincial staff only (403 for every other
login), read-only pages (405 for a POST)."""

from tests.matrix import Row, logged_in, staff_only

EXPORTS = ("csv", "xlsx")

ROWS: dict = {
    "audit:events": Row(get=staff_only(), post=logged_in(405)),
    "audit:events_export": [
        Row(get=staff_only(), post=logged_in(405), kwargs={"fmt": fmt}) for fmt in EXPORTS
    ],
    "audit:national_id_views": Row(get=staff_only(), post=logged_in(405)),
    "audit:national_id_views_export": [
        Row(get=staff_only(), post=logged_in(405), kwargs={"fmt": fmt}) for fmt in EXPORTS
    ],
}
