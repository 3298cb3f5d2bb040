"""Permission-matrix rows of the savers pages.

Savers belong to their district: every login reads its own district's (officers and
staff: every district's); recording (applications, decisions, pledge and beneficiary
changes, leaving) needs the treasurer function for the district, or provincial staff.
The matrix's district member holds no savings function, so they only read.
"""

from tests.matrix import LOGIN, Row, district_object, logged_in
from tests.savings.builders import admitted_saver


def recording(outcome=200):
    """A recording page of an own-district saver: only staff among the personas."""
    return {
        "anonymous": LOGIN,
        "district_member": 403,
        "other_district_member": 404,
        "officer": 403,
        "staff": outcome,
    }


def applying(outcome=200):
    """Applying for someone: the treasurer function or provincial staff."""
    return {**logged_in(403), "staff": outcome}


def saver(request) -> dict:
    return {"pk": admitted_saver().pk}


def applicant(request) -> dict:
    """An application of an own-district person, not yet decided."""
    from django.utils import timezone

    from savings import services
    from tests.conftest import OWN_DISTRICT
    from tests.factories import PersonFactory, sa_kaeo_district
    from tests.savings.builders import committee

    person = PersonFactory(district=sa_kaeo_district(OWN_DISTRICT))
    applied = services.saver_apply(
        person=person, units=2, applied_on=timezone.localdate(), by=committee()
    )
    return {"pk": applied.pk}


def statement_file(fmt):
    def build(request) -> dict:
        return {**saver(request), "fmt": fmt}

    return build


ROWS = {
    "savings:saver_list": Row(get=logged_in(200), post=logged_in(405)),
    "savings:saver_export": [
        Row(get=logged_in(200), post=logged_in(405), kwargs={"fmt": fmt}) for fmt in ("csv", "xlsx")
    ],
    # without ?person= the page finds the person to enrol; a POST shows it again
    "savings:saver_apply": Row(get=applying(), post=applying()),
    "savings:saver_detail": Row(get=district_object(), post=logged_in(405), kwargs=saver),
    # an empty POST is refused by the form and shown again
    "savings:saver_decide": Row(get=recording(), post=recording(), kwargs=applicant),
    "savings:saver_pledge": Row(get=recording(), post=recording(), kwargs=saver),
    "savings:saver_beneficiaries": Row(get=recording(), post=recording(), kwargs=saver),
    "savings:saver_leave": Row(get=recording(), post=recording(), kwargs=saver),
    "savings:saver_statement": Row(get=district_object(), post=logged_in(405), kwargs=saver),
    "savings:saver_statement_export": [
        Row(get=district_object(), post=logged_in(405), kwargs=statement_file(fmt))
        for fmt in ("csv", "xlsx")
    ],
}
