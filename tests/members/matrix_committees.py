"""Permission-matrix rows of committees and activities (gathered by test_permissions.py),
and the builders of the objects their URLs need, which the committee and activity
tests share.

A district committee and a district's activity belong to the own district (2701);
provincial terms and province-wide activities every login reads and only provincial
staff change, except that district members add their own people and action items to
a province-wide activity."""

from datetime import date

from tests.conftest import OWN_DISTRICT
from tests.matrix import (
    Row,
    district_object,
    district_write,
    logged_in,
    registering,
    staff_only,
)

TERM_DATES = {"starts_on": date(2025, 10, 1), "ends_on": date(2027, 9, 30)}


# --- Builders ----------------------------------------------------------------------------


def make_term(district: str | None = OWN_DISTRICT, **values):
    from members.models import CommitteeLevel, CommitteeTerm

    level = CommitteeLevel.DISTRICT if district else CommitteeLevel.PROVINCE
    return CommitteeTerm.objects.create(
        level=level, district_id=district, **{**TERM_DATES, **values}
    )


def make_seat(term, person=None, **values):
    from members import services
    from members.models import CommitteeSeat, SeatRole
    from tests.factories import PersonFactory, sa_kaeo_district

    if person is None:
        person = PersonFactory(district=sa_kaeo_district(term.district_id or OWN_DISTRICT))
    values.setdefault("role", SeatRole.MEMBER)
    if term.district_id is None and values["role"] != SeatRole.ADVISOR:
        values.setdefault("represents_id", person.district_id)
    return services.committee_seat_save(seat=CommitteeSeat(term=term, person=person, **values))


def make_activity(district: str | None = None, **values):
    from members.models import Activity, ActivityKind

    defaults = {
        "kind": ActivityKind.TRAINING,
        "title": "อบรมเครือข่าย",
        "starts_on": date(2022, 1, 20),
        "ends_on": date(2022, 1, 21),
    }
    return Activity.objects.create(district_id=district, **{**defaults, **values})


def make_participant(activity, person=None, **values):
    from members.models import Participant
    from tests.factories import PersonFactory, sa_kaeo_district

    person = person or PersonFactory(district=sa_kaeo_district(OWN_DISTRICT))
    return Participant.objects.create(activity=activity, person=person, **values)


def make_action_item(activity, district: str = OWN_DISTRICT, **values):
    from members.models import ActionItem

    defaults = {"text": "จัดทำคู่มือการใช้เครื่องจักร", "owner_name": "ประธาน", "due_on": date(2022, 3, 31)}
    return ActionItem.objects.create(
        activity=activity, district_id=district, **{**defaults, **values}
    )


# --- URL arguments -----------------------------------------------------------------------


def district_term(request):
    return {"pk": make_term().pk}


def province_term(request):
    return {"pk": make_term(None).pk}


def district_seat(request):
    return {"pk": make_seat(make_term()).pk}


def province_seat(request):
    return {"pk": make_seat(make_term(None)).pk}


def province_activity(request):
    return {"pk": make_activity().pk}


def district_activity(request):
    return {"pk": make_activity(OWN_DISTRICT).pk}


def participant(request):
    return {"pk": make_participant(make_activity()).pk}


def action_item(request):
    return {"pk": make_action_item(make_activity()).pk}


def _exports(**outcomes_by_kwargs) -> list[Row]:
    return [
        Row(get=outcome, post=logged_in(405), kwargs=lambda r, f=fmt, k=kwargs: {**k(r), "fmt": f})
        for kwargs, outcome in outcomes_by_kwargs.values()
        for fmt in ("csv", "xlsx")
    ]


PROVINCE_WRITE = staff_only()

ROWS = {
    "members:committee_list": Row(get=logged_in(200), post=logged_in(405)),
    "members:committee_export": [
        Row(get=logged_in(200), post=logged_in(405), kwargs={"fmt": "csv"}),
        Row(get=logged_in(200), post=logged_in(405), kwargs={"fmt": "xlsx"}),
    ],
    "members:term_create": Row(get=registering(), post=registering()),
    "members:committee_logins": Row(get=staff_only(), post=staff_only(302)),
    "members:term_detail": [
        Row(get=district_object(), post=logged_in(405), kwargs=district_term),
        Row(get=logged_in(200), post=logged_in(405), kwargs=province_term),
    ],
    "members:term_edit": [
        Row(get=district_write(), post=district_write(), kwargs=district_term),
        Row(get=PROVINCE_WRITE, post=PROVINCE_WRITE, kwargs=province_term),
    ],
    "members:seat_add": [
        Row(get=district_write(), post=district_write(), kwargs=district_term),
        Row(get=PROVINCE_WRITE, post=PROVINCE_WRITE, kwargs=province_term),
    ],
    "members:seat_edit": [
        Row(get=district_write(), post=district_write(), kwargs=district_seat),
        Row(get=PROVINCE_WRITE, post=PROVINCE_WRITE, kwargs=province_seat),
    ],
    "members:activity_list": Row(get=logged_in(200), post=logged_in(405)),
    "members:activity_create": Row(get=staff_only(), post=staff_only()),
    "members:activity_detail": [
        Row(get=logged_in(200), post=logged_in(405), kwargs=province_activity),
        Row(get=district_object(), post=logged_in(405), kwargs=district_activity),
    ],
    # district members add their own people and items to a province-wide activity
    "members:participant_add": [
        Row(get=registering(), post=registering(), kwargs=province_activity),
        Row(get=district_write(), post=district_write(), kwargs=district_activity),
    ],
    "members:action_item_add": [
        Row(get=registering(), post=registering(), kwargs=province_activity),
        Row(get=district_write(), post=district_write(), kwargs=district_activity),
    ],
    "members:attendance_export": _exports(
        province=(province_activity, logged_in(200)),
        district=(district_activity, district_object()),
    ),
    "members:action_items_export": _exports(
        province=(province_activity, logged_in(200)),
        district=(district_activity, district_object()),
    ),
    "members:participant_attendance": Row(
        get=logged_in(405), post=district_write(302), kwargs=participant
    ),
    "members:action_item_done": Row(
        get=logged_in(405), post=district_write(302), kwargs=action_item
    ),
}
