"""Named scenarios. Each is measured as a ratio to its yardstick, timed in the same run,
so the figures mean the same on a fast or a slow machine."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page
from django.test import Client
from django.urls import NoReverseMatch, reverse

from members.models import Category, User

YARDSTICK_PAGE = "trivial logged-in page"


@dataclass(frozen=True)
class Scenario:
    name: str
    yardstick: str
    setup: Callable[[], Callable[[], object]]  # returns the thing to time


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
    """The URL of the list's last page as the view paginates it for this user: read
    from the first page's context, else a page number past the end (which Django's
    Paginator.get_page answers with the last page)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    contexts = response.context if isinstance(response.context, list) else [response.context]
    pages = [
        value.paginator.num_pages
        for context in contexts
        for layer in getattr(context, "dicts", [])
        for value in layer.values()
        if isinstance(value, Page)
    ]
    separator = "&" if "?" in url else "?"
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
