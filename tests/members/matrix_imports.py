"""Permission-matrix rows of the producer import: provincial staff only."""

from tests.matrix import Row, logged_in, staff_only

ROWS = {
    # an empty upload shows the form again with its error
    "members:producer_import": Row(get=staff_only(), post=staff_only()),
    # without an uploaded file, preview and confirm send staff back to the upload page
    "members:producer_import_preview": Row(get=staff_only(302), post=logged_in(405)),
    "members:producer_import_confirm": Row(get=logged_in(405), post=staff_only(302)),
    "members:producer_import_template": Row(get=staff_only(), post=logged_in(405)),
}
