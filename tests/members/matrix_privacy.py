"""Permission-matrix rows of a person's data on request (PDPA): provincial staff only,
the data controller's officers; everyone else gets 403 before any lookup."""

from tests.matrix import Row, logged_in, person, staff_only

ROWS: dict = {
    # the download writes who took it (and a sight of the full ID): a POST, never a GET
    "members:person_data_export": Row(get=logged_in(405), post=staff_only(), kwargs=person),
    # a person with no money matters: the removal goes through and goes back to the page
    "members:person_anonymise": Row(
        get=staff_only(), post=staff_only(302), kwargs=person, data={"reason": "ขอลบข้อมูล"}
    ),
}
