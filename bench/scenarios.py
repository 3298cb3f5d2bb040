"""Named scenarios. Each is measured as a ratio to its yardstick, timed in the same run,
so the figures mean the same on a fast or a slow machine."""

from collections.abc import Callable
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse

from members.models import User

YARDSTICK_PAGE = "trivial logged-in page"


@dataclass(frozen=True)
class Scenario:
    name: str
    yardstick: str
    setup: Callable[[], Callable[[], object]]  # returns the thing to time


def _get(username: str, url: Callable[[], str]) -> Callable[[], Callable[[], object]]:
    def setup():
        client = Client()
        client.force_login(User.objects.get(username=username))
        target = url()

        def request():
            response = client.get(target)
            assert response.status_code == 200, (target, response.status_code)
            if response.streaming:
                b"".join(response.streaming_content)

        return request

    return setup


def _last_accounts_page() -> str:
    pages = (User.objects.count() + 49) // 50
    return f"{reverse('members:account_list')}?page={pages}"


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
]
