"""Demo committees and the activity from the story.

- The people behind the demo logins: each district's chair and secretary logins (from
  `members.demo`) and the provincial CDD officers get a person record, so a committee
  seat tied to a login names the same person the login does.
- Each district's current committee: its chair and secretary (tied to the district's
  demo logins) and three leaders of its demo producers.
- The current provincial committee: 2 representatives per district, leaders of the
  demo producers, with a chair, vice-chair, secretary and treasurer among them, and a
  CDD officer as advisor. The previous provincial term has ended; its chair's login
  (`aranyaprathet.former`) has no seat now, so it waits on the ended-terms page for
  staff to renew or deactivate.
- The story's training of 20–21 January 2565 with its 20 participants, all attended,
  and each district's three action-plan items from the three directives; and one
  upcoming provincial committee meeting.

Deterministic: people are chosen in a fixed order (producer code, national ID) from
the registry's demo data, which is itself deterministic. Terms run over two fiscal
years starting in an odd one, so "current" and "past" follow today's date; the
upcoming meeting is two weeks from today. Two runs on one day write the same rows.

Idempotent by upsert: terms are found by level, district and start; activities by
title; seats, participants and action items by their natural keys. What the plan no
longer holds is deleted, rows that did not change are not saved again.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from members.demo import _account
from members.demo_registry import CODE_PREFIX, STAFF_USERNAME, _save_if_changed
from members.models import (
    ActionItem,
    Activity,
    ActivityKind,
    CommitteeLevel,
    CommitteeSeat,
    CommitteeTerm,
    District,
    MemberRole,
    Participant,
    Person,
    ProducerMember,
    Role,
    SeatRole,
    Sex,
    Title,
    User,
    fiscal_year_be,
)
from otop_portal.lib.demo import DemoLogin
from otop_portal.lib.natid import check_digit

FEMALE_FIRST_NAMES = {"สมหญิง", "บุญเรือน", "ประภา", "วันเพ็ญ", "อรุณี"}
PROVINCIAL_OFFICE = "2701"  # the provincial CDD office is in Mueang Sa Kaeo
SECOND_OFFICER = ("นาย", "ธนากร", "ศรีพัฒนา")
FORMER_CHAIR_DISTRICT = "2706"
PROVINCIAL_ROLES = {  # district whose first representative holds the office
    "2701": SeatRole.CHAIR,
    "2706": SeatRole.VICE_CHAIR,
    "2702": SeatRole.SECRETARY,
    "2705": SeatRole.TREASURER,
}
PAST_PROVINCIAL_ROLES = {
    FORMER_CHAIR_DISTRICT: SeatRole.CHAIR,
    "2701": SeatRole.VICE_CHAIR,
    "2704": SeatRole.SECRETARY,
    "2703": SeatRole.TREASURER,
}
DISTRICT_PICKS = ((SeatRole.VICE_CHAIR, 0), (SeatRole.TREASURER, 1), (SeatRole.MEMBER, 4))
SEAT_ROLES_TH = {
    SeatRole.CHAIR: "ประธาน",
    SeatRole.VICE_CHAIR: "รองประธาน",
    SeatRole.SECRETARY: "เลขานุการ",
    SeatRole.TREASURER: "เหรัญญิก",
    SeatRole.MEMBER: "กรรมการ",
    SeatRole.ADVISOR: "ที่ปรึกษา",
}

STORY_TITLE = "โครงการเสริมสร้างศักยภาพเครือข่าย OTOP จังหวัดสระแก้ว"
STORY = {
    "kind": ActivityKind.TRAINING,
    "starts_on": date(2022, 1, 20),
    "ends_on": date(2022, 1, 21),
    "venue": "โรงแรมตะวัน ต.ท่าเกษม อ.เมืองสระแก้ว จ.สระแก้ว",
    "district_id": None,
    "target_group": (
        "นักวิชาการพัฒนาชุมชนจังหวัด 2 คน และประธาน/เลขานุการ/กรรมการเครือข่าย OTOP "
        "ระดับอำเภอ 9 อำเภอ อำเภอละ 2 คน รวม 20 คน"
    ),
    "description": (
        "การดำเนินงานโครงการหนึ่งตำบล หนึ่งผลิตภัณฑ์ (OTOP); กรอบแนวทางการดำเนินงานของ"
        "เครือข่าย OTOP จังหวัด; บทบาทหน้าที่ของคณะกรรมการเครือข่าย OTOP อำเภอ/จังหวัด; "
        "การเป็นผู้ผลิตผู้ประกอบการ OTOP อย่างมืออาชีพ; ทิศทางด้านการตลาดผลิตภัณฑ์ OTOP; "
        "วิเคราะห์ผลการดำเนินงานของเครือข่ายที่ผ่านมา; แบ่งกลุ่มจัดทำแผนปฏิบัติการของ"
        "เครือข่าย OTOP ระดับจังหวัด"
    ),
}
STORY_INVITED_ON = date(2022, 1, 7)
# (text, owner: "chair" / "secretary" / a name in words, due)
STORY_ACTIONS = (
    ("จัดทำคู่มือการใช้เครื่องจักร OTOP", "chair", date(2022, 3, 31)),
    ("จัดตั้งกลุ่มออมทรัพย์เพื่อการผลิต", "secretary", date(2022, 6, 30)),
    ("เตรียมผลิตภัณฑ์ออกงานกาชาด", "คณะกรรมการเครือข่าย OTOP อำเภอ", date(2022, 11, 30)),
)
MEETING_TITLE = "ประชุมคณะกรรมการเครือข่าย OTOP จังหวัดสระแก้ว"
MEETING_VENUE = "ห้องประชุมสำนักงานพัฒนาชุมชนจังหวัดสระแก้ว ศาลากลางจังหวัดสระแก้ว"


def term_dates(today: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The current and the previous two-year term: each runs over two fiscal years,
    starting on 1 October of an odd fiscal year (FY 2569 starts 1 Oct 2025)."""
    year = fiscal_year_be(today)
    first = year if year % 2 else year - 1
    current = (date(first - 544, 10, 1), date(first - 542, 9, 30))
    past = (date(first - 546, 10, 1), date(first - 544, 9, 30))
    return current, past


def seed_committees() -> list[DemoLogin]:
    """Write the committees and activities of the demo (after accounts and registry)."""
    today = timezone.localdate()
    districts = list(
        District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE).order_by("code")
    )
    with transaction.atomic():
        logins = _login_people(districts)
        leaders = {d.code: _leaders(d) for d in districts}
        former = _former_chair(leaders[FORMER_CHAIR_DISTRICT][2][0])
        current, past = term_dates(today)
        _district_committees(districts, current, logins, leaders)
        provincial = _provincial_committee(
            districts, current, leaders, PROVINCIAL_ROLES, (0, 1), advisor=logins["officers"][0]
        )
        _provincial_committee(
            districts, past, leaders, PAST_PROVINCIAL_ROLES, (2, 3), chair_login=former
        )
        _story(districts, logins)
        _meeting(today, provincial)
    detail = "อดีตประธานเครือข่าย OTOP จังหวัด วาระที่สิ้นสุดแล้ว: รอเจ้าหน้าที่ต่อหรือระงับบัญชี"
    return [DemoLogin(former.username, str(Role.DISTRICT_MEMBER.label), detail)]


# --- People ------------------------------------------------------------------------------


def _login_people(districts: list[District]) -> dict:
    """A person for each demo login of a district (chair and secretary) and for the two
    provincial CDD officers who took part in the story's training."""
    users = {
        user.username: user
        for user in User.objects.filter(username__regex=r"\.(chair|secretary)$")
        | User.objects.filter(username=STAFF_USERNAME)
    }
    if STAFF_USERNAME not in users:
        raise RuntimeError(f"Seed the demo accounts first: {STAFF_USERNAME} is missing.")
    people: dict = {"officers": []}
    serial = 0
    for district in districts:
        slug = district.name_en.lower().replace(" ", "")
        for seat in ("chair", "secretary"):
            serial += 1
            user = users[f"{slug}.{seat}"]
            person = _person(district, serial, "", user.first_name, user.last_name)
            people[(district.code, seat)] = (person, user)
    office = next(d for d in districts if d.code == PROVINCIAL_OFFICE)
    staff = users[STAFF_USERNAME]
    people["officers"] = [
        _person(office, serial + 1, "", staff.first_name, staff.last_name),
        _person(office, serial + 2, *SECOND_OFFICER),
    ]
    return people


def _person(district: District, serial: int, title: str, first: str, last: str) -> Person:
    female = first in FEMALE_FIRST_NAMES
    twelve = f"5{district.code}99{serial:05d}"
    home = district.subdistricts.order_by("code").first()
    values = {
        "district_id": district.code,
        "title": title or (Title.MRS if female else Title.MR),
        "first_name": first,
        "last_name": last,
        "sex": Sex.FEMALE if female else Sex.MALE,
        "phone": f"089{serial:07d}",
        "subdistrict_id": home.code,
        "postal_code": home.postal_codes[0],
    }
    national_id = twelve + str(check_digit(twelve))
    existing = Person.objects.filter(national_id=national_id).first() or Person()
    return _save_if_changed(existing, {"national_id": national_id, **values})


def _leaders(district: District) -> list[tuple[Person, object]]:
    """(person, producer) for the chair or owner of each demo producer of a district,
    in producer-code order."""
    members = (
        ProducerMember.objects.filter(
            producer__district=district,
            producer__cdd_code__startswith=CODE_PREFIX,
            role__in=[MemberRole.CHAIR, MemberRole.OWNER],
        )
        .select_related("person", "producer")
        .order_by("producer__cdd_code", "person__national_id")
    )
    leaders, seen = [], set()
    for member in members:
        if member.person_id not in seen:
            seen.add(member.person_id)
            leaders.append((member.person, member.producer))
    if len(leaders) < 5:
        raise RuntimeError(f"Seed the registry first: district {district.code} has no producers.")
    return leaders


def _former_chair(person: Person) -> User:
    """The login of the previous provincial committee's chair, who has no seat now."""
    district = person.district
    slug = district.name_en.lower().replace(" ", "")
    return _account(
        f"{slug}.former", person.first_name, person.last_name, Role.DISTRICT_MEMBER, district, []
    )


# --- Committees -------------------------------------------------------------------------


def _term(level: str, district: District | None, dates: tuple[date, date], ref: str):
    starts_on, ends_on = dates
    found = CommitteeTerm.objects.filter(
        level=level, district=district, starts_on=starts_on
    ).first()
    values = {
        "level": level,
        "district_id": district.code if district else None,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "appointment_ref": ref,
    }
    return _save_if_changed(found or CommitteeTerm(), values)


def _ref(number: int, dates: tuple[date, date]) -> str:
    year = dates[0].year + 543 + (1 if dates[0].month >= 10 else 0)
    return f"คำสั่งสำนักงานพัฒนาชุมชนจังหวัดสระแก้ว ที่ {number}/{year}"


def _district_committees(districts, dates, logins, leaders) -> None:
    for index, district in enumerate(districts):
        term = _term(CommitteeLevel.DISTRICT, district, dates, _ref(110 + index, dates))
        chair, chair_login = logins[(district.code, "chair")]
        secretary, secretary_login = logins[(district.code, "secretary")]
        seats = [
            {"person_id": chair.pk, "role": SeatRole.CHAIR, "user_id": chair_login.pk},
            {"person_id": secretary.pk, "role": SeatRole.SECRETARY, "user_id": secretary_login.pk},
        ]
        for role, pick in DISTRICT_PICKS:
            person, producer = leaders[district.code][pick]
            seats.append({"person_id": person.pk, "role": role, "producer_id": producer.pk})
        _sync_seats(term, seats)


def _provincial_committee(
    districts, dates, leaders, roles, picks, advisor=None, chair_login: User | None = None
):
    term = _term(CommitteeLevel.PROVINCE, None, dates, _ref(100, dates))
    seats = []
    for district in districts:
        for pick in picks:
            person, producer = leaders[district.code][pick]
            first = pick == picks[0]
            role = roles.get(district.code, SeatRole.MEMBER) if first else SeatRole.MEMBER
            seats.append(
                {
                    "person_id": person.pk,
                    "role": role,
                    "represents_id": district.code,
                    "producer_id": producer.pk,
                    "user_id": chair_login.pk if chair_login and role == SeatRole.CHAIR else None,
                }
            )
    if advisor is not None:
        seats.append({"person_id": advisor.pk, "role": SeatRole.ADVISOR})
    _sync_seats(term, seats)
    return term


SEAT_DEFAULTS = {
    "represents_id": None,
    "producer_id": None,
    "user_id": None,
    "starts_on": None,
    "ends_on": None,
}


def _sync_seats(term: CommitteeTerm, seats: list[dict]) -> None:
    rows = [{**SEAT_DEFAULTS, "term_id": term.pk, **seat} for seat in seats]
    _upsert(term.seats.all(), ("person_id",), rows, CommitteeSeat)


def _upsert(scope: models.QuerySet, key, rows: list[dict], model) -> list:
    """Make `scope` hold exactly `rows` (matched on `key`): delete what the plan no
    longer has first (so a role can move to someone new), then insert or update,
    each through the model's own validation (the committee rules included)."""
    existing = {tuple(getattr(obj, k) for k in key): obj for obj in scope}
    wanted = {tuple(row[k] for k in key) for row in rows}
    stale = [obj.pk for k, obj in existing.items() if k not in wanted]
    if stale:
        model.objects.filter(pk__in=stale).delete()
    saved = []
    for row in rows:
        obj = existing.get(tuple(row[k] for k in key))
        saved.append(_save_if_changed(obj or model(), row))
    return saved


# --- Activities --------------------------------------------------------------------------


def _activity(title: str, values: dict) -> Activity:
    found = Activity.objects.filter(title=title).order_by("pk").first()
    return _save_if_changed(found or Activity(), {"title": title, **values})


def _story(districts, logins) -> None:
    training = _activity(STORY_TITLE, STORY)
    officer = "นักวิชาการพัฒนาชุมชน สำนักงานพัฒนาชุมชนจังหวัดสระแก้ว"
    rows = [(person, officer) for person in logins["officers"]]
    for district in districts:
        rows.append((logins[(district.code, "chair")][0], "ประธานเครือข่าย OTOP อำเภอ"))
        rows.append((logins[(district.code, "secretary")][0], "เลขานุการเครือข่าย OTOP อำเภอ"))
    participants = [
        {
            "activity_id": training.pk,
            "person_id": person.pk,
            "capacity": capacity,
            "invited_on": STORY_INVITED_ON,
            "attended": True,
            "attendance_note": "",
        }
        for person, capacity in rows
    ]
    _upsert(training.participants.all(), ("person_id",), participants, Participant)
    items = []
    for index, district in enumerate(districts):
        for number, (text, owner, due) in enumerate(STORY_ACTIONS):
            person = logins.get((district.code, owner), (None,))[0]
            done = (index + number) % 3 != 0  # most done; a few still open and overdue
            items.append(
                {
                    "activity_id": training.pk,
                    "district_id": district.code,
                    "text": text,
                    "owner_person_id": person.pk if person else None,
                    "owner_name": "" if person else owner,
                    "due_on": due,
                    "done_on": due - timedelta(days=3 + index) if done else None,
                }
            )
    _upsert(training.action_items.all(), ("district_id", "text"), items, ActionItem)


def _meeting(today: date, provincial: CommitteeTerm) -> None:
    day = today + timedelta(days=14)
    meeting = _activity(
        MEETING_TITLE,
        {
            "kind": ActivityKind.MEETING,
            "starts_on": day,
            "ends_on": day,
            "venue": MEETING_VENUE,
            "district_id": None,
            "target_group": "คณะกรรมการเครือข่าย OTOP จังหวัด อำเภอละ 2 คน และที่ปรึกษา",
            "description": "ติดตามแผนปฏิบัติการของเครือข่าย และเตรียมการออกงานกาชาดจังหวัดสระแก้ว",
        },
    )
    seats = provincial.seats.select_related("represents").order_by("represents", "pk")
    participants = [
        {
            "activity_id": meeting.pk,
            "person_id": seat.person_id,
            "capacity": f"{SEAT_ROLES_TH[seat.role]}เครือข่าย OTOP จังหวัด",
            "invited_on": today,
            "attended": None,
            "attendance_note": "",
        }
        for seat in seats
    ]
    _upsert(meeting.participants.all(), ("person_id",), participants, Participant)
