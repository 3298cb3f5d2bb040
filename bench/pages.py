"""The fifteen pages the personas use most, each timed against the trivial logged-in page
and its SQL queries counted, on the national data set and on the one-row data set.

Chosen from the personas' days in DOMAIN.md: the district committee member opens the home
page, the producer list (searched, filtered, paged), an equipment unit's calendar, the
collection sheet and a saver's statement; provincial staff open their home page, the
approval inbox, the journal, the fair's floor plan and applications, and the reports.

Each page is found in the data the generator wrote (the first unit, the district of the
collection sheet, the fair with the most applications), so the same names work on any
data set the generator wrote, at any size.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from members.models import Category


class NoData(LookupError):
    """The data set holds nothing for this page (a run with --fairs 0, say)."""


def _present(row, what: str):
    if row is None:
        raise NoData(f"no {what} in this data set")
    return row


MEMBER = "bench.2701.0"  # a district committee member of Mueang Sa Kaeo
STAFF = "bench.staff"


def _producers(**query) -> Callable[[], str]:
    return lambda: reverse("members:producer_list") + (f"?{urlencode(query)}" if query else "")


def _unit_calendar() -> str:
    from equipment.models import EquipmentUnit

    unit = _present(EquipmentUnit.objects.order_by("pk").first(), "equipment unit")
    return reverse("equipment:unit_detail", args=[unit.pk])


def _sheet() -> str:
    from bench.data_savings import SHEET_DISTRICT

    month = timezone.localdate().strftime("%Y-%m")
    return reverse("savings:sheet_district", kwargs={"code": SHEET_DISTRICT, "month": month})


def _statement() -> str:
    """The statement of the saver with the most journal lines in the member's district."""
    from bench.data_savings import SHEET_DISTRICT
    from savings.models import Saver

    saver = _present(
        Saver.objects.filter(district_id=SHEET_DISTRICT).order_by("member_number").first(),
        "saver",
    )
    return reverse("savings:saver_statement", args=[saver.pk])


def _biggest_fair():
    from django.db.models import Count

    from fairs.models import Fair

    return _present(
        Fair.objects.annotate(n=Count("applications")).order_by("-n", "pk").first(), "fair"
    )


def fair_plan() -> str:
    """The floor plan of the fair with the most applications (one zone of a national fair)."""
    return reverse("fairs:plan", args=[_biggest_fair().pk])


def _fair_applications() -> str:
    return reverse("fairs:application_list", args=[_biggest_fair().pk])


def _use_report() -> str:
    return reverse("equipment:report", args=["use"])


def _named(name: str) -> Callable[[], str]:
    return lambda: reverse(name)


# (name, persona, URL, last page?)
PAGES: list[tuple[str, str, Callable[[], str], bool]] = [
    ("home page, district member", MEMBER, lambda: reverse("home"), False),
    ("home page, provincial staff", STAFF, lambda: reverse("home"), False),
    ("producer list, district member", MEMBER, _producers(), False),
    ("producer list, last page, provincial staff", STAFF, _producers(), True),
    (
        "producer list, filtered by category and stars, provincial staff",
        STAFF,
        _producers(category=Category.FOOD, stars=4),
        False,
    ),
    ("producer search, Thai substring, provincial staff", STAFF, _producers(q="ทอผ้า"), False),
    ("equipment unit calendar, district member", MEMBER, _unit_calendar, False),
    ("equipment approval inbox, provincial staff", STAFF, _named("equipment:inbox"), False),
    ("equipment use report, one year, district member", MEMBER, _use_report, False),
    ("savings collection sheet, district member", MEMBER, _sheet, False),
    ("saver statement, district member", MEMBER, _statement, False),
    ("savings journal, last page, provincial staff", STAFF, _named("savings:journal"), True),
    ("fair floor plan, provincial staff", STAFF, fair_plan, False),
    ("fair applications, last page, provincial staff", STAFF, _fair_applications, True),
    ("fair list, district member", MEMBER, lambda: reverse("fairs:index"), False),
]


def count_queries(call: Callable[[], object]) -> int:
    """How many SQL statements one call sends (the session and user included)."""
    seen = 0

    def counter(execute, sql, params, many, context):
        nonlocal seen
        seen += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        call()
    return seen
