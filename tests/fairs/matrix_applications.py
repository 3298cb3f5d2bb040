"""Permission-matrix rows of the application pages.

Fairs are province-wide, so every login reads a fair's application list (filtered to
their reach). Applying and changing an application belong to the producer's district
(another district: 404; network officers, who only read: 403) and to staff and the
fair committee; reviewing is for staff and the fair committee only (403 for everyone
else, before any lookup). A POST without data shows a form again with its errors
(200), except withdrawing, whose reason is optional (302).
"""

from tests.fairs.builders_applications import (
    application_row,
    fair_and_producer_row,
    fair_row,
)
from tests.matrix import Row, district_object, district_write, logged_in, staff_only

ROWS: dict = {
    "fairs:application_list": Row(get=logged_in(200), post=logged_in(405), kwargs=fair_row),
    "fairs:apply": Row(
        get={**logged_in(200), "officer": 403}, post=logged_in(405), kwargs=fair_row
    ),
    "fairs:apply_for": Row(
        get=district_write(), post=district_write(), kwargs=fair_and_producer_row
    ),
    "fairs:application_detail": Row(
        get=district_object(), post=logged_in(405), kwargs=application_row
    ),
    "fairs:application_edit": Row(
        get=district_write(), post=district_write(), kwargs=application_row
    ),
    "fairs:application_withdraw": Row(
        get=district_write(), post=district_write(302), kwargs=application_row
    ),
    "fairs:application_review": Row(get=staff_only(), post=staff_only(), kwargs=application_row),
    "fairs:review_queue": Row(get=staff_only(), post=logged_in(405), kwargs=fair_row),
}
