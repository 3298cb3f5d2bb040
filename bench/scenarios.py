"""Named scenarios. Each is measured as a ratio to its yardstick, timed in the same run,
so the figures mean the same on a fast or a slow machine."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page
from django.test import Client
from django.urls import NoReverseMatch, reverse

from bench import pages, scenarios_fairs
from members.models import Category, User
from otop_portal.lib.keyset import KeysetPage

YARDSTICK_PAGE = "trivial logged-in page"


@dataclass(frozen=True)
class Scenario:
    name: str
    yardstick: str
    setup: Callable[[], Callable[[], object]]  # returns the thing to time
    rounds: int | None = None  # at most this many rounds (a scenario of seconds)
    page: bool = False  # one of the fifteen most-used pages (bench/pages.py): queries counted


class Skip(Exception):
    """A scenario that cannot run yet; the runner prints why and goes on."""


def _get(
    username: str, url: Callable[[], str], *, last_page: bool = False
) -> Callable[[], Callable[[], object]]:
    def setup():
        try:
            target = url()
        except NoReverseMatch:
            raise Skip("URL not yet there") from None
        except pages.NoData as missing:
            raise Skip(str(missing)) from None
        client = Client()
        client.force_login(User.objects.get(username=username))
        if last_page:
            target = _last_page(client, target)

        def request():
            response = client.get(target)
            assert response.status_code == 200, (target, response.status_code)
            if response.streaming:
                b"".join(response.streaming_content)

        return request

    return setup


def _last_page(client: Client, url: str) -> str:
    """The URL of the list's last page as the view pages it for this user: `last=1`
    for a list read by its sort key (otop_portal/lib/keyset.py), else the page number
    read from the first page's context, else one past the end (which Django's
    Paginator.get_page answers with the last page)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    contexts = response.context if isinstance(response.context, list) else [response.context]
    values = [
        value
        for context in contexts
        for layer in getattr(context, "dicts", [])
        for value in layer.values()
    ]
    separator = "&" if "?" in url else "?"
    if any(isinstance(value, KeysetPage) for value in values):
        return f"{url}{separator}last=1"
    pages = [value.paginator.num_pages for value in values if isinstance(value, Page)]
    return f"{url}{separator}page={pages[0] if pages else 1_000_000}"


def _producers(**query) -> Callable[[], str]:
    return lambda: reverse("members:producer_list") + (f"?{urlencode(query)}" if query else "")


def _producer_export() -> str:
    return reverse("members:producer_export", args=["csv"])


def _producer_scenarios(persona: str, username: str) -> list[Scenario]:
    """The producer list, search and export, as one persona sees them."""
    return [
        Scenario(
            f"producer list, first page, {persona}", YARDSTICK_PAGE, _get(username, _producers())
        ),
        Scenario(
            f"producer list, last page, {persona}",
            YARDSTICK_PAGE,
            _get(username, _producers(), last_page=True),
        ),
        Scenario(
            f"producer list, filtered by category and stars, {persona}",
            YARDSTICK_PAGE,
            _get(username, _producers(category=Category.FOOD, stars=4)),
        ),
        Scenario(
            f"producer search, Thai substring, {persona}",
            YARDSTICK_PAGE,
            _get(username, _producers(q="ทอผ้า")),
        ),
        Scenario(
            f"producers CSV export, {persona}", YARDSTICK_PAGE, _get(username, _producer_export)
        ),
    ]


def _last_accounts_page() -> str:
    pages = (User.objects.count() + 49) // 50
    return f"{reverse('members:account_list')}?page={pages}"


def _free_units(all_types: bool) -> Callable[[], Callable[[], object]]:
    """The availability search: units free for two weeks a fortnight from now."""

    def setup():
        from datetime import timedelta

        from django.utils import timezone

        from equipment.availability import free_units
        from equipment.models import EquipmentType

        equipment_type = None if all_types else EquipmentType.objects.order_by("pk").first()
        begins = timezone.now() + timedelta(days=14)
        ends = begins + timedelta(days=14)
        return lambda: list(free_units(begins, ends, equipment_type))

    return setup


def _equipment_report(kind: str, fmt: str = "") -> Callable[[], str]:
    """A report over the last 12 months (its default period)."""

    def url():
        if fmt:
            return reverse("equipment:report_export", args=[kind, fmt])
        return reverse("equipment:report", args=[kind])

    return url


EQUIPMENT_SCENARIOS = [
    Scenario(
        "equipment availability search, one type, 2 weeks", YARDSTICK_PAGE, _free_units(False)
    ),
    Scenario(
        "equipment availability search, all units, 2 weeks", YARDSTICK_PAGE, _free_units(True)
    ),
    Scenario(
        "equipment approval inbox, provincial staff",
        YARDSTICK_PAGE,
        _get("bench.staff", lambda: reverse("equipment:inbox")),
    ),
    *(
        Scenario(
            f"equipment {kind} report, one year, district member",
            YARDSTICK_PAGE,
            _get("bench.2701.0", _equipment_report(kind)),
        )
        for kind in ("districts", "concentration", "use", "served")
    ),
    Scenario(
        "equipment use report CSV export, one year, provincial staff",
        YARDSTICK_PAGE,
        _get("bench.staff", _equipment_report("use", "csv")),
    ),
]

YARDSTICKS = {
    YARDSTICK_PAGE: _get("bench.staff", lambda: reverse("bench_trivial")),
}

SCENARIOS = [
    Scenario(
        "home page, district member", YARDSTICK_PAGE, _get("bench.2701.0", lambda: reverse("home"))
    ),
    Scenario(
        "home page, provincial staff", YARDSTICK_PAGE, _get("bench.staff", lambda: reverse("home"))
    ),
    Scenario(
        "accounts list, first page",
        YARDSTICK_PAGE,
        _get("bench.staff", lambda: reverse("members:account_list")),
    ),
    Scenario("accounts list, last page", YARDSTICK_PAGE, _get("bench.staff", _last_accounts_page)),
    Scenario(
        "accounts list, search",
        YARDSTICK_PAGE,
        _get("bench.staff", lambda: reverse("members:account_list") + "?q=สม"),
    ),
    Scenario(
        "accounts CSV export",
        YARDSTICK_PAGE,
        _get("bench.staff", lambda: reverse("members:account_export", args=["csv"])),
    ),
    *_producer_scenarios("district member", "bench.2701.0"),
    *_producer_scenarios("provincial staff", "bench.staff"),
    *EQUIPMENT_SCENARIOS,
]


# --- Savings ------------------------------------------------------------------------------

YARDSTICK_PLEDGE_SQL = "the same journal rows by plain SQL"
YARDSTICK_YEAR_ROWS = "plain SELECT of the allocation's input rows"
PLEDGES_PER_CALL = 10  # each in its own transaction


def _sheet_savers() -> list:
    from bench.data_savings import SHEET_DISTRICT
    from savings.models import Saver, SaverStatus

    savers = list(
        Saver.objects.filter(district_id=SHEET_DISTRICT, status=SaverStatus.ACTIVE).order_by(
            "member_number"
        )
    )
    if not savers:
        raise Skip("no savers (--savers 0)")
    return savers


def _pledges_through_the_service():
    """Pledged savings posted one at a time through pledge_pay (receipt, journal entry,
    the saver's balances), as the collection sheet does."""
    from django.utils import timezone

    from savings.services import pledge_pay, policy_on

    savers = itertools.cycle(_sheet_savers())
    staff = User.objects.get(username="bench.staff")
    today = timezone.localdate()
    unit = policy_on(today).unit_value

    def post():
        for _n in range(PLEDGES_PER_CALL):
            pledge_pay(saver=next(savers), amount=unit, on=today, by=staff)

    return post


_PLAIN_ENTRY = """
INSERT INTO savings_journalentry
    (number, "on", kind, memo, document, document_number, reason, created_by_id, created_at)
VALUES (%s, %s, 'pledge', '', '', '', '', %s, now()) RETURNING id
"""
_PLAIN_LINES = """
INSERT INTO savings_journalline (entry_id, account_id, debit, credit, saver_id)
VALUES (%s, %s, %s, 0, NULL), (%s, %s, 0, %s, %s)
"""


def _pledges_by_plain_sql():
    """The same two journal rows inserted with plain SQL, one transaction per pledge:
    what the database's own rules (triggers, constraints) cost without the service."""
    from django.db import connection, transaction
    from django.utils import timezone

    from savings.models import Role
    from savings.services import account, policy_on

    savers = itertools.cycle([saver.pk for saver in _sheet_savers()])
    staff_id = User.objects.get(username="bench.staff").pk
    cash, pledged = account(Role.CASH).pk, account(Role.PLEDGED).pk
    today = timezone.localdate()
    unit = policy_on(today).unit_value
    from savings.models import JournalEntry

    # after the numbers an earlier run on a kept database (--keep) took
    numbers = itertools.count(JournalEntry.objects.filter(number__startswith="BS").count() + 1)

    def post():
        for _n in range(PLEDGES_PER_CALL):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_PLAIN_ENTRY, [f"BS{next(numbers):09d}", today, staff_id])
                entry_id = cursor.fetchone()[0]
                cursor.execute(
                    _PLAIN_LINES, [entry_id, cash, unit, entry_id, pledged, unit, next(savers)]
                )

    return post


def _sheet_url() -> str:
    from django.utils import timezone

    from bench.data_savings import SHEET_DISTRICT

    month = timezone.localdate().strftime("%Y-%m")
    return reverse("savings:sheet_district", kwargs={"code": SHEET_DISTRICT, "month": month})


def _allocation_preview():
    from django.utils import timezone

    from bench.data_savings import allocation_year
    from savings.services import yearend

    _sheet_savers()
    _start, end = allocation_year(timezone.localdate())
    staff = User.objects.get(username="bench.staff")
    return lambda: yearend.allocation_preview(year_end=end, by=staff)


_YEAR_ROWS = """
SELECT l.saver_id, l.loan_id, e."on", l.debit, l.credit
FROM savings_journalline l
JOIN savings_journalentry e ON e.id = l.entry_id
JOIN savings_account a ON a.id = l.account_id
WHERE (a.subledger = 'pledged' AND e."on" <= %s)
   OR (a.role = 'interest' AND e."on" BETWEEN %s AND %s)
"""


def _year_rows():
    """What the preview reads: the pledged-savings lines through the year's end and
    the year's loan interest, fetched with one plain SELECT."""
    from django.db import connection
    from django.utils import timezone

    from bench.data_savings import allocation_year

    start, end = allocation_year(timezone.localdate())

    def select():
        with connection.cursor() as cursor:
            cursor.execute(_YEAR_ROWS, [end, start, end])
            return cursor.fetchall()

    return select


YARDSTICKS[YARDSTICK_PLEDGE_SQL] = _pledges_by_plain_sql
YARDSTICKS[YARDSTICK_YEAR_ROWS] = _year_rows

SAVINGS_SCENARIOS = [
    Scenario(
        f"savings: {PLEDGES_PER_CALL} pledges, one transaction each, through pledge_pay",
        YARDSTICK_PLEDGE_SQL,
        _pledges_through_the_service,
    ),
    Scenario(
        "savings collection sheet, district of 2,000 savers, provincial staff",
        YARDSTICK_PAGE,
        _get("bench.staff", _sheet_url),
    ),
    Scenario(
        "savings allocation preview, every saver × 12 months (20,000 savers by default)",
        YARDSTICK_YEAR_ROWS,
        _allocation_preview,
        rounds=5,
    ),
]
SCENARIOS += SAVINGS_SCENARIOS


# --- Fairs (bench/scenarios_fairs.py: no database) ---------------------------------------

YARDSTICKS.update(scenarios_fairs.YARDSTICKS)
SCENARIOS += [Scenario(*row) for row in scenarios_fairs.SCENARIOS]


# --- The largest exports, against PostgreSQL's own COPY of the same query -----------------

YARDSTICK_COPY_PRODUCERS = "COPY (the producers export's query) TO STDOUT"
YARDSTICK_COPY_LINES = "COPY (the journal lines export's query) TO STDOUT"


class _Sink:
    """Where the yardstick's COPY writes: nowhere (what COPY costs the database and the
    driver, without a response)."""

    def write(self, data) -> None:
        pass


def _producers_export_of_staff():
    from members.exports import producers_export
    from members.selectors import producers_for

    staff = User.objects.get(username="bench.staff")
    return producers_export(producers_for(staff), full_ids=True)


def _journal_lines_export(entries=None):
    from savings import selectors_books
    from savings.models import JournalEntry
    from savings.views.books import journal_lines_export

    entries = JournalEntry.objects.all() if entries is None else entries
    return journal_lines_export(selectors_books.journal_lines(entries))


def _copy_of(build_export):
    """The yardstick: the export's own SELECT inside `COPY … TO STDOUT WITH (FORMAT
    csv)`, run by psycopg2 straight into a sink."""

    def setup():
        from django.db import connection
        from django.utils import translation

        from otop_portal.lib import copy_csv

        with translation.override("th"):
            export = build_export()
            cells = [copy_csv.cell(column.sql, column.kind) for column in export.columns]
            statement = copy_csv.copy_sql(export.rows, cells, "default")

        def copy():
            with connection.cursor() as cursor:
                cursor.copy_expert(statement, _Sink())

        return copy

    return setup


def _journal_export_with_memory():
    """The journal lines download as a user gets it; first, untimed, the peak memory
    the Python side holds while streaming 100,000 and 1,000,000 lines (tracemalloc),
    printed, to show that it does not grow with the number of rows."""
    from savings.models import JournalLine

    total = JournalLine.objects.count()
    if total < 1_000:
        raise Skip("no ledger (--savers 0)")
    for size in (100_000, 1_000_000):
        if size <= total:
            _print_export_memory(size)
    return _get("bench.staff", lambda: reverse("savings:journal_export", args=["csv"]))()


def _print_export_memory(size: int) -> None:
    import tracemalloc

    from django.utils import translation

    from otop_portal.lib.exports import csv_response
    from savings.models import JournalEntry, JournalLine

    last_entry = JournalLine.objects.order_by("entry_id", "pk").values_list("entry_id", flat=True)[
        size - 1
    ]
    with translation.override("th"):
        export = _journal_lines_export(JournalEntry.objects.filter(pk__lte=last_entry))
        tracemalloc.start()
        lines = sum(chunk.count(b"\n") for chunk in csv_response(export).streaming_content)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"journal lines CSV by COPY: {lines - 1:,} lines, peak Python memory {peak / 1e6:.1f} MB")


YARDSTICKS[YARDSTICK_COPY_PRODUCERS] = _copy_of(_producers_export_of_staff)
YARDSTICKS[YARDSTICK_COPY_LINES] = _copy_of(_journal_lines_export)

SCENARIOS += [
    Scenario(
        "all producers CSV export (COPY streamed), provincial staff",
        YARDSTICK_COPY_PRODUCERS,
        _get("bench.staff", _producer_export),
        rounds=5,
    ),
    Scenario(
        "journal lines CSV export, every line (COPY streamed), provincial staff",
        YARDSTICK_COPY_LINES,
        _journal_export_with_memory,
        rounds=3,
    ),
]


# The floor plan of a national fair opens on one zone (one of the fifteen pages); the whole
# venue, every booth drawn for print, is measured here.
SCENARIOS.append(
    Scenario(
        "fair floor plan, all zones (to print), provincial staff",
        YARDSTICK_PAGE,
        _get("bench.staff", lambda: pages.fair_plan() + "?zone=all"),
        rounds=5,
    )
)


# --- The fifteen most-used pages (bench/pages.py), queries counted ------------------------

PAGE_SCENARIOS = [
    Scenario(f"page: {name}", YARDSTICK_PAGE, _get(user, url, last_page=last), page=True)
    for name, user, url, last in pages.PAGES
]
SCENARIOS = PAGE_SCENARIOS + SCENARIOS
