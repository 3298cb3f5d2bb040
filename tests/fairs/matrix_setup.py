"""Permission-matrix rows of the fair setup pages and the floor plan.

Fairs, zones, booth types, booths and policies are province-wide: every login reads
them (no 404 for another district), only staff and the fair committee change them (403
for everyone else, before any lookup). A POST without data to a form page shows the
form again with its errors (200); deleting a booth, making a policy version and
publishing one need no data (302).
"""

from tests.fairs.builders_setup import (
    booth_row,
    booth_type_row,
    draft_row,
    drafted_fair_row,
    fair_row,
    zone_row,
)
from tests.matrix import Row, logged_in, staff_only

ROWS: dict = {
    "fairs:fair_create": Row(get=staff_only(), post=staff_only()),
    "fairs:fair_detail": Row(get=logged_in(200), post=logged_in(405), kwargs=fair_row),
    "fairs:fair_edit": Row(get=staff_only(), post=staff_only(), kwargs=fair_row),
    "fairs:zones": Row(get=logged_in(200), post=staff_only(), kwargs=fair_row),
    "fairs:zone_edit": Row(get=staff_only(), post=staff_only(), kwargs=zone_row),
    "fairs:booth_types": Row(get=logged_in(200), post=staff_only(), kwargs=fair_row),
    "fairs:booth_type_edit": Row(get=staff_only(), post=staff_only(), kwargs=booth_type_row),
    "fairs:booths": Row(get=logged_in(200), post=staff_only(), kwargs=fair_row),
    "fairs:booth_edit": Row(get=staff_only(), post=staff_only(), kwargs=booth_row),
    "fairs:booth_delete": Row(get=logged_in(405), post=staff_only(302), kwargs=booth_row),
    "fairs:policy": Row(get=logged_in(200), post=staff_only(), kwargs=drafted_fair_row),
    "fairs:policy_new": Row(get=logged_in(405), post=staff_only(302), kwargs=fair_row),
    "fairs:policy_publish": Row(get=logged_in(405), post=staff_only(302), kwargs=draft_row),
    "fairs:plan": Row(get=logged_in(200), post=logged_in(405), kwargs=fair_row),
}
