"""Permission-matrix rows of the pages after the draw.

Fairs are province-wide: every login reads a fair's booths held (within their reach),
waitlist, sales sheet and letters. A holding, a payment and an application belong to
the applicant's district: another district's member gets 404. Answering an offer is
for the holder's district member and the fair's managers (staff here); payments,
moves, swaps, releases, giving booths, the refill and check-in are for the managers;
officers read and get 403 on actions.
"""

from tests.fairs.builders_after import (
    matrix_application,
    matrix_fair,
    matrix_fair_day,
    matrix_holding,
    matrix_payment,
)
from tests.matrix import Row, district_object, district_write, logged_in, staff_only


def managers_on_district_object(outcome=200):
    """A managers' page about a district-owned object: 404 outside reach, then 403."""
    return {**district_object(403), "staff": outcome}


MANAGERS_FORM = {"get": managers_on_district_object(), "post": managers_on_district_object()}

ROWS: dict = {
    "fairs:holdings": Row(get=logged_in(200), post=logged_in(405), kwargs=matrix_fair),
    "fairs:holding_detail": Row(get=district_object(), post=logged_in(405), kwargs=matrix_holding),
    # accepting succeeds at once; declining asks to confirm first (200)
    "fairs:offer_accept": Row(get=logged_in(405), post=district_write(302), kwargs=matrix_holding),
    "fairs:offer_decline": Row(get=logged_in(405), post=district_write(200), kwargs=matrix_holding),
    "fairs:payment_new": Row(**MANAGERS_FORM, kwargs=matrix_holding),
    "fairs:payment_correct": Row(**MANAGERS_FORM, kwargs=matrix_payment),
    "fairs:holding_release": Row(**MANAGERS_FORM, kwargs=matrix_holding),
    "fairs:holding_move": Row(**MANAGERS_FORM, kwargs=matrix_holding),
    "fairs:holding_swap": Row(**MANAGERS_FORM, kwargs=matrix_holding),
    "fairs:waitlist": Row(get=logged_in(200), post=logged_in(405), kwargs=matrix_fair),
    "fairs:waitlist_refill": Row(get=logged_in(405), post=staff_only(302), kwargs=matrix_fair),
    "fairs:booth_give": Row(get=staff_only(), post=staff_only(), kwargs=matrix_fair),
    "fairs:checkin": Row(get=staff_only(), post=staff_only(), kwargs=matrix_fair_day),
    # a sheet posted empty is shown again with its message; officers only read
    "fairs:sales": Row(
        get=logged_in(200), post={**logged_in(200), "officer": 403}, kwargs=matrix_fair_day
    ),
    "fairs:result_letter": Row(
        get=district_object(), post=logged_in(405), kwargs=matrix_application
    ),
    "fairs:offer_letter": Row(get=district_object(), post=logged_in(405), kwargs=matrix_holding),
    "fairs:letters": Row(get=logged_in(200), post=logged_in(405), kwargs=matrix_fair),
}
