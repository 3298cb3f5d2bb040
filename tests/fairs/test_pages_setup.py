"""The fair setup pages as staff and the fair committee use them (the fair, zones,
booth types, booths, the allocation policy) and the floor plan every login reads."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from fairs.models import Booth, BoothType, Fair, FairSeries, Policy, PolicyQuota, Zone
from fairs.services import setup
from members.models import Function
from tests.factories import UserFactory
from tests.fairs.builders import apply, drawn_fair, make_fair, publish_policy
from tests.fairs.builders_setup import add_booths, draft_of, frozen_fair, future_fair, manager

pytestmark = pytest.mark.django_db
FROZEN = (
    "The list is frozen: the draw counts on the fair's zones, booth types and booths, "
    "so they no longer change."
)


def _t(text: str, **params) -> str:
    """A message as the page shows it (in Thai)."""
    with translation.override("th"):
        message = translation.gettext(text)
    return message % params if params else message


def _be(day) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def _has(page: str, text: str) -> bool:
    """Whether the page shows `text` (escaped or, from a template's literal, as it is)."""
    return text in page or escape(text) in page


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "style=" not in page  # the CSP allows no inline style
    return page


def _queries(client, url) -> int:
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def boss(client):
    user = manager()
    client.force_login(user)
    return user


def _fair_data(**changes) -> dict:
    today = timezone.localdate()
    data = {
        "series": "",
        "new_series": "ตลาดนัด OTOP ริมเขื่อน",
        "name": "ตลาดนัด OTOP ริมเขื่อน ครั้งที่ 1",
        "venue": "ลานริมเขื่อนพระปรง",
        "starts_on": _be(today + timedelta(days=60)),
        "ends_on": _be(today + timedelta(days=62)),
        "applications_open_on": _be(today + timedelta(days=10)),
        "applications_close_on": _be(today + timedelta(days=30)),
        "lottery_date": _be(today + timedelta(days=31)),
        "notes": "",
    }
    return {**data, **changes}


# --- The fair -----------------------------------------------------------------------------


def test_a_manager_creates_a_fair_in_a_new_series_with_be_dates(client, boss):
    response = client.post(reverse("fairs:fair_create"), _fair_data())
    fair = Fair.objects.get(name="ตลาดนัด OTOP ริมเขื่อน ครั้งที่ 1")
    assert response.status_code == 302
    assert response["Location"] == reverse("fairs:fair_detail", args=[fair.pk])
    assert fair.series.name == "ตลาดนัด OTOP ริมเขื่อน"
    assert fair.starts_on == timezone.localdate() + timedelta(days=60)  # stored as C.E.
    assert fair.lottery_date == timezone.localdate() + timedelta(days=31)


def test_a_fair_committee_officer_may_set_fairs_up(client):
    client.force_login(UserFactory(officer=True, functions=[Function.FAIR_COMMITTEE]))
    assert client.get(reverse("fairs:fair_create")).status_code == 200


def test_a_new_edition_joins_an_existing_series(client, boss):
    series = FairSeries.objects.create(name="บูรพา-กาชาด สระแก้ว")
    response = client.post(
        reverse("fairs:fair_create"), _fair_data(series=series.pk, new_series="")
    )
    assert response.status_code == 302
    assert Fair.objects.get(series=series).name == "ตลาดนัด OTOP ริมเขื่อน ครั้งที่ 1"
    assert FairSeries.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"new_series": ""}, "series", "Choose the fair's series or name a new one."),
        (
            {"starts_on": "01/03/2025"},
            "starts_on",
            "Year %(year)s looks like C.E.: did you mean %(be_year)s?",
        ),
        ({"lottery_date": "31/02/2569"}, "lottery_date", None),
    ],
)
def test_the_fair_form_names_what_is_wrong(client, boss, changes, field, message):
    response = client.post(reverse("fairs:fair_create"), _fair_data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    if message and "%(year)s" in message:
        assert escape(_t(message, year=2025, be_year=2568)) in response.content.decode()
    elif message:
        assert escape(_t(message)) in response.content.decode()
    assert not Fair.objects.exists()
    assert not FairSeries.objects.exists()


def test_a_series_and_a_new_name_together_are_refused(client, boss):
    series = FairSeries.objects.create(name="บูรพา-กาชาด สระแก้ว")
    response = client.post(reverse("fairs:fair_create"), _fair_data(series=series.pk))
    assert response.status_code == 200
    assert "new_series" in response.context["form"].errors


def test_dates_out_of_order_get_the_models_message_and_nothing_is_saved(client, boss):
    today = timezone.localdate()
    response = client.post(
        reverse("fairs:fair_create"),
        _fair_data(applications_close_on=_be(today + timedelta(days=61))),
    )
    assert response.status_code == 200
    assert (
        escape(_t("Applications must open before they close, and close before the fair."))
        in response.content.decode()
    )
    assert not FairSeries.objects.exists()


def test_a_second_edition_on_the_same_day_is_refused_and_the_series_stays(client, boss):
    fair = make_fair()
    response = client.post(
        reverse("fairs:fair_create"),
        _fair_data(
            series=fair.series_id,
            new_series="",
            starts_on=_be(fair.starts_on),
            ends_on=_be(fair.ends_on),
            applications_open_on=_be(fair.applications_open_on),
            applications_close_on=_be(fair.applications_close_on),
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(_t("This series already has an edition starting that day.")) in page
    assert Fair.objects.count() == 1


def test_a_manager_edits_the_fair(client, boss):
    fair = make_fair()
    data = _fair_data(
        series=fair.series_id,
        new_series="",
        name=fair.name,
        venue="สนามกีฬาจังหวัดสระแก้ว",
        starts_on=_be(fair.starts_on),
        ends_on=_be(fair.ends_on),
        applications_open_on=_be(fair.applications_open_on),
        applications_close_on=_be(fair.applications_close_on),
    )
    page = _page(client, reverse("fairs:fair_edit", args=[fair.pk]))
    assert _be(fair.starts_on) in page  # the form shows B.E. dates
    response = client.post(reverse("fairs:fair_edit", args=[fair.pk]), data)
    assert response.status_code == 302
    fair.refresh_from_db()
    assert fair.venue == "สนามกีฬาจังหวัดสระแก้ว"


def test_the_window_cannot_change_after_the_freeze_but_the_venue_can(client, boss):
    fair = frozen_fair(by=boss)
    data = _fair_data(
        series=fair.series_id,
        new_series="",
        name=fair.name,
        venue="หอประชุมอำเภอ",
        starts_on=_be(fair.starts_on),
        ends_on=_be(fair.ends_on),
        applications_open_on=_be(fair.applications_open_on),
        applications_close_on=_be(fair.applications_close_on + timedelta(days=1)),
    )
    url = reverse("fairs:fair_edit", args=[fair.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "applications_close_on" in response.context["form"].errors
    fair.refresh_from_db()
    assert fair.venue != "หอประชุมอำเภอ"
    data["applications_close_on"] = _be(fair.applications_close_on)
    assert client.post(url, data).status_code == 302
    fair.refresh_from_db()
    assert fair.venue == "หอประชุมอำเภอ"


# --- The fair's page --------------------------------------------------------------------------


def _step_state(page: str, label: str) -> str:
    match = re.search(
        r'fair-step--(\w+)"[^>]*>\s*<span class="fair-step-label">' + re.escape(label), page
    )
    assert match, label
    return match[1]


def test_the_fair_page_shows_where_the_fair_stands(client, district_member):
    fair = make_fair()  # the window opened five days ago, no policy published
    client.force_login(district_member)
    page = _page(client, reverse("fairs:fair_detail", args=[fair.pk]))
    assert _step_state(page, _t("Set up")) == "done"
    assert _step_state(page, _t("Policy published")) == "missed"
    assert _step_state(page, _t("Applications open")) == "current"
    assert _step_state(page, _t("List frozen")) == "todo"
    assert (
        escape(_t("%(drawable)s to draw, %(reserved)s reserved", drawable=12, reserved=1)) in page
    )


def test_a_district_member_may_apply_while_the_window_is_open(client, district_member):
    open_fair, later = make_fair(), future_fair(name="งานหน้า")
    client.force_login(district_member)
    page = _page(client, reverse("fairs:fair_detail", args=[open_fair.pk]))
    assert reverse("fairs:apply", args=[open_fair.pk]) in page
    assert reverse("fairs:fair_edit", args=[open_fair.pk]) not in page
    assert reverse("fairs:plan", args=[open_fair.pk]) in page
    page = _page(client, reverse("fairs:fair_detail", args=[later.pk]))
    assert reverse("fairs:apply", args=[later.pk]) not in page


def test_managers_see_the_setup_links(client, boss, officer):
    fair = make_fair()
    page = _page(client, reverse("fairs:fair_detail", args=[fair.pk]))
    for name in ("fair_edit", "zones", "booth_types", "booths", "policy", "review_queue"):
        assert reverse(f"fairs:{name}", args=[fair.pk]) in page
    assert _t("Manage booths") in page
    client.force_login(officer)
    page = _page(client, reverse("fairs:fair_detail", args=[fair.pk]))
    assert reverse("fairs:fair_edit", args=[fair.pk]) not in page
    assert reverse("fairs:apply", args=[fair.pk]) not in page  # officers only read
    assert reverse("fairs:review_queue", args=[fair.pk]) not in page


def test_application_counts_stay_within_the_district(client, district_member):
    fair = make_fair()
    by = manager()
    publish_policy(fair, by)
    apply(fair, by, district="2701")
    apply(fair, by, district="2706")
    apply(fair, by, district="2706")
    client.force_login(district_member)
    page = _page(client, reverse("fairs:fair_detail", args=[fair.pk]))
    assert re.search(r'data-status="submitted">1<', page)
    client.force_login(by)
    page = _page(client, reverse("fairs:fair_detail", args=[fair.pk]))
    assert re.search(r'data-status="submitted">3<', page)


def test_after_the_published_draw_the_page_leads_to_the_results(client, district_member):
    fair, _draw = drawn_fair(applicants=4, food=0)
    client.force_login(district_member)
    page = _page(client, reverse("fairs:fair_detail", args=[fair.pk]))
    assert _step_state(page, _t("Results published")) == "current"
    assert _step_state(page, _t("Random source confirmed")) == "done"
    for name in ("holdings", "waitlist", "verify", "sales"):
        assert reverse(f"fairs:{name}", args=[fair.pk]) in page
    assert reverse("fairs:checkin", args=[fair.pk]) not in page  # staff check producers in


# --- Zones and booth types ------------------------------------------------------------------


def test_a_manager_adds_a_zone_with_a_palette_colour(client, boss):
    fair = make_fair()
    url = reverse("fairs:zones", args=[fair.pk])
    data = {"code": "C", "name": "ลานอาหาร", "is_prime": "on", "colour": "teal"}
    response = client.post(url, data)
    assert response.status_code == 302
    zone = fair.zones.get(code="C")
    assert (zone.is_prime, zone.colour) == (True, "teal")
    page = _page(client, url)
    assert "zone-colour--teal" in page
    assert _t("Teal") in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "A", "name": "ซ้ำ"}, "This fair already has a zone with that code."),
        (
            {"code": "โซน", "name": "ไทย"},
            "Use only Latin letters, digits, - and _ (e.g. A, FOOD-3).",
        ),
        ({"code": "D", "name": "สี", "colour": "#ff0000"}, None),
    ],
)
def test_a_bad_zone_is_refused_with_its_reason(client, boss, data, message):
    fair = make_fair()
    response = client.post(reverse("fairs:zones", args=[fair.pk]), data)
    assert response.status_code == 200
    if message:
        assert escape(_t(message)) in response.content.decode()
    assert fair.zones.count() == 2


def test_a_manager_edits_a_zone(client, boss):
    zone = make_fair().zones.get(code="B")
    url = reverse("fairs:zone_edit", args=[zone.pk])
    _page(client, url)
    response = client.post(url, {"code": "B", "name": "ริมทางเดินหลัก", "colour": "blue"})
    assert response.status_code == 302
    zone.refresh_from_db()
    assert (zone.name, zone.colour) == ("ริมทางเดินหลัก", "blue")


def test_nothing_changes_after_the_freeze(client, boss):
    fair = frozen_fair(by=boss)
    zone = fair.zones.get(code="B")
    page = _page(client, reverse("fairs:zones", args=[fair.pk]))
    assert _has(page, _t(FROZEN))
    assert reverse("fairs:zone_edit", args=[zone.pk]) not in page
    response = client.post(
        reverse("fairs:zone_edit", args=[zone.pk]), {"code": "B", "name": "เปลี่ยน"}
    )
    assert response.status_code == 200
    zone.refresh_from_db()
    assert zone.name == "ริมทางเดิน"
    response = client.post(reverse("fairs:zones", args=[fair.pk]), {"code": "Z", "name": "ใหม่"})
    assert response.status_code == 200
    assert not fair.zones.filter(code="Z").exists()
    kind = fair.booth_types.get(code="STD")
    data = {"code": "STD", "name": "บูธ", "width_m": "3", "depth_m": "3", "fee": "999"}
    assert client.post(reverse("fairs:booth_type_edit", args=[kind.pk]), data).status_code == 200
    kind.refresh_from_db()
    assert kind.fee == Decimal("0.00")


def test_a_manager_adds_a_booth_type_with_no_fee_by_default(client, boss):
    fair = make_fair()
    url = reverse("fairs:booth_types", args=[fair.pk])
    data = {
        "code": "DBL",
        "name": "บูธคู่",
        "width_m": "6",
        "depth_m": "3",
        "fee": "0",
        "has_power": "on",
    }
    assert client.post(url, data).status_code == 302
    kind = fair.booth_types.get(code="DBL")
    assert (kind.fee, kind.has_power, kind.has_water) == (Decimal("0.00"), True, False)
    response = client.post(url, {**data, "width_m": "0.2"})
    assert response.status_code == 200
    assert "width_m" in response.context["form"].errors


def test_a_manager_edits_a_booth_type(client, boss):
    kind = make_fair().booth_types.get(code="FOOD")
    url = reverse("fairs:booth_type_edit", args=[kind.pk])
    data = {"code": "FOOD", "name": "บูธอาหาร", "width_m": "3", "depth_m": "4", "fee": "350.00",
            "has_power": "on", "has_water": "on"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    kind.refresh_from_db()
    assert (kind.depth_m, kind.fee) == (Decimal("4.00"), Decimal("350.00"))


def test_readers_see_the_lists_without_the_forms(client, district_member):
    fair = make_fair()
    client.force_login(district_member)
    for name in ("zones", "booth_types", "booths"):
        response = client.get(reverse(f"fairs:{name}", args=[fair.pk]))
        assert response.status_code == 200
        assert response.context["form"] is None
        main = response.content.split(b"<main")[1].split(b"</main>")[0]
        assert b'method="post"' not in main
    assert client.post(reverse("fairs:zones", args=[fair.pk]), {}).status_code == 403


# --- Booths -----------------------------------------------------------------------------------


def _row(fair, **changes) -> dict:
    data = {
        "zone": fair.zones.get(code="A").pk,
        "booth_type": fair.booth_types.get(code="STD").pk,
        "count": "5",
        "prefix": "A",
        "first_number": "01",
        "x": "0",
        "y": "30",
        "along": "x",
        "gap": "0.5",
    }
    return {**data, **changes}


def test_a_manager_adds_a_row_of_booths(client, boss):
    fair = make_fair()
    response = client.post(reverse("fairs:booths", args=[fair.pk]), _row(fair))
    assert response.status_code == 302
    booths = list(fair.booths.filter(code__startswith="A").order_by("code"))
    assert [b.code for b in booths] == ["A01", "A02", "A03", "A04", "A05"]
    assert [b.x for b in booths] == [Decimal(x) for x in ("0", "3.5", "7", "10.5", "14")]
    assert {(b.y, b.width, b.height) for b in booths} == {(Decimal(30), Decimal(3), Decimal(3))}
    assert [b.order for b in booths] == [101, 102, 103, 104, 105]  # after zone A's last (R01: 100)
    with translation.override("th"):
        added = translation.ngettext(
            "%(count)s booth added: %(first)s.", "%(count)s booths added: %(first)s to %(last)s.", 5
        )
    assert _messages(response) == [added % {"count": 5, "first": "A01", "last": "A05"}]


def test_a_row_along_y_steps_by_the_depth(client, boss):
    fair = make_fair()
    data = _row(fair, along="y", count="3", gap="0", prefix="F-", first_number="7",
                booth_type=fair.booth_types.get(code="FOOD").pk)  # fmt: skip
    assert client.post(reverse("fairs:booths", args=[fair.pk]), data).status_code == 302
    booths = fair.booths.filter(code__startswith="F-").order_by("y")
    assert [(b.code, b.y) for b in booths] == [("F-7", 30), ("F-8", 33), ("F-9", 36)]


def test_a_row_with_numbers_already_used_is_refused_whole(client, boss):
    fair = make_fair()
    data = _row(fair, prefix="S", first_number="07", count="4")  # S07, S08 exist
    response = client.post(reverse("fairs:booths", args=[fair.pk]), data)
    assert response.status_code == 200
    assert escape(_t("These booth numbers are already used: %(codes)s.", codes="S07, S08")) in (
        response.content.decode()
    )
    assert not fair.booths.filter(code__in=["S09", "S10"]).exists()


def test_a_manager_reserves_a_booth_with_its_reason(client, boss):
    booth = make_fair().booths.get(code="S01")
    url = reverse("fairs:booth_edit", args=[booth.pk])
    data = {
        "zone": booth.zone_id, "booth_type": booth.booth_type_id, "code": "S01", "order": "1",
        "x": "0", "y": "0", "width": "3", "height": "3", "reserved_for": "agency",
        "reserved_note": "",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert escape(_t("Say who the booth is reserved for and why.")) in response.content.decode()
    data["reserved_note"] = "นิทรรศการสำนักงานเกษตรจังหวัด"
    assert client.post(url, data).status_code == 302
    booth.refresh_from_db()
    assert (booth.reserved_for, booth.is_reserved) == ("agency", True)
    page = _page(client, reverse("fairs:booths", args=[booth.fair_id]))
    assert "นิทรรศการสำนักงานเกษตรจังหวัด" in page


def test_a_booth_cannot_move_to_another_fairs_zone(client, boss):
    booth = make_fair().booths.get(code="S01")
    elsewhere = future_fair(name="งานอื่น").zones.get(code="A")
    data = {"zone": elsewhere.pk, "booth_type": booth.booth_type_id, "code": "S01",
            "order": "1", "x": "0", "y": "0", "width": "3", "height": "3"}  # fmt: skip
    response = client.post(reverse("fairs:booth_edit", args=[booth.pk]), data)
    assert response.status_code == 200
    assert "zone" in response.context["form"].errors


def test_a_manager_deletes_a_booth_until_the_freeze(client, boss):
    fair = make_fair()
    booth = fair.booths.get(code="S01")
    response = client.post(reverse("fairs:booth_delete", args=[booth.pk]))
    assert response.status_code == 302
    assert not Booth.objects.filter(pk=booth.pk).exists()
    frozen = frozen_fair(by=boss)
    booth = frozen.booths.get(code="S01")
    response = client.post(reverse("fairs:booth_delete", args=[booth.pk]))
    assert response.status_code == 302
    assert Booth.objects.filter(pk=booth.pk).exists()
    assert _messages(response)[-1] == _t(FROZEN)


# --- The policy -------------------------------------------------------------------------------


def test_a_manager_makes_the_first_version_with_the_proposed_quotas(client, boss):
    fair = make_fair()
    page = _page(client, reverse("fairs:policy", args=[fair.pk]))
    assert reverse("fairs:policy_new", args=[fair.pk]) in page
    response = client.post(reverse("fairs:policy_new", args=[fair.pk]))
    assert response.status_code == 302
    policy = fair.policies.get()
    assert policy.version == 1 and not policy.is_published
    response = client.get(reverse("fairs:policy", args=[fair.pk]))
    page = response.content.decode()
    assert "เมืองสระแก้ว" in page  # district rows show the district's name
    assert "อรัญประเทศ" in page
    assert escape(_t("Fresh farm produce")) in page
    assert reverse("fairs:policy_publish", args=[policy.pk]) in page
    # 12 booths to draw, 9 districts: ⌊0.5·12/9⌋ = 0, ⌈1.5·12/9⌉ = 2
    assert (response.context["default_min"], response.context["default_max"]) == (0, 2)
    assert policy.quotas.filter(kind="district", minimum=0, maximum=2).count() == 9


def _draft_data(policy, **switches) -> dict:
    quotas = list(policy.quotas.order_by("-kind", "key"))
    data = {
        "star_bonus": "on",
        "miss_bonus_cap": "2",
        "offer_hours": "48",
        "payment_days": "7",
        "notes": "ประกาศ ณ วันที่",
        "quota-TOTAL_FORMS": str(len(quotas)),
        "quota-INITIAL_FORMS": str(len(quotas)),
        "quota-MIN_NUM_FORMS": "0",
        "quota-MAX_NUM_FORMS": "1000",
    }
    for i, quota in enumerate(quotas):
        data[f"quota-{i}-id"] = str(quota.pk)
        data[f"quota-{i}-minimum"] = str(quota.minimum)
        data[f"quota-{i}-maximum"] = "" if quota.maximum is None else str(quota.maximum)
    return {**data, **switches}


def test_a_manager_saves_the_draft(client, boss):
    fair = make_fair()
    policy = draft_of(fair, boss)
    food = list(policy.quotas.order_by("-kind", "key")).index(
        policy.quotas.get(kind="category", key="food")
    )
    data = _draft_data(policy, offer_hours="72", **{f"quota-{food}-maximum": "3"})
    data.pop("star_bonus")
    response = client.post(reverse("fairs:policy", args=[fair.pk]), data)
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.offer_hours, policy.star_bonus) == (72, False)
    assert policy.quotas.get(kind="category", key="food").maximum == 3


def test_the_draft_refuses_what_the_rules_forbid(client, boss):
    fair = make_fair()
    policy = draft_of(fair, boss)
    url = reverse("fairs:policy", args=[fair.pk])
    response = client.post(url, _draft_data(policy, miss_bonus_cap="3"))
    assert response.status_code == 200
    assert "miss_bonus_cap" in response.context["form"].errors
    response = client.post(
        url, _draft_data(policy, **{"quota-0-minimum": "5", "quota-0-maximum": "2"})
    )
    assert response.status_code == 200
    assert escape(_t("The minimum cannot be above the maximum.")) in response.content.decode()
    policy.refresh_from_db()
    assert policy.miss_bonus_cap == 2
    assert not policy.quotas.filter(minimum=5).exists()


def test_the_page_says_whether_the_quotas_can_be_met(client, boss):
    fair = make_fair()
    policy = draft_of(fair, boss)
    page = _page(client, reverse("fairs:policy", args=[fair.pk]))
    assert escape(_t("All quotas can be met.")) in page
    PolicyQuota.objects.filter(policy=policy, kind="district", key="2701").update(minimum=2)
    page = _page(client, reverse("fairs:policy", args=[fair.pk]))
    from members.models import District

    with translation.override("th"):
        name = District.objects.get(code="2701").name
    assert f"อำเภอ{name}: ไม่สามารถให้ได้อย่างน้อย 2 บูธ" in page


def test_publishing_after_the_window_opened_is_marked(client, boss):
    fair = make_fair()  # opened five days ago
    policy = draft_of(fair, boss)
    response = client.post(reverse("fairs:policy_publish", args=[policy.pk]))
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.is_published and policy.published_by == boss
    page = _page(client, reverse("fairs:policy", args=[fair.pk]))
    assert escape(_t("published after applications opened")) in page
    assert reverse("fairs:policy_publish", args=[policy.pk]) not in page  # read-only now


def test_publishing_before_the_window_opens_is_not_marked(client, boss):
    fair = future_fair()
    policy = draft_of(fair, boss)
    assert client.post(reverse("fairs:policy_publish", args=[policy.pk])).status_code == 302
    page = _page(client, reverse("fairs:policy", args=[fair.pk]))
    assert escape(_t("published after applications opened")) not in page
    assert escape(_t("in force")) in page
    detail = _page(client, reverse("fairs:fair_detail", args=[fair.pk]))
    assert _step_state(detail, _t("Policy published")) == "current"


def test_a_new_version_copies_the_published_one(client, boss):
    fair = future_fair()
    publish_policy(fair, boss, district_min=1, district_max=3)
    client.post(reverse("fairs:policy_new", args=[fair.pk]))
    draft = fair.policies.get(version=2)
    assert draft.quotas.filter(kind="district", minimum=1, maximum=3).count() == 9
    assert setup.policy_in_force(fair).version == 1


def test_the_policy_is_fixed_once_the_list_is_frozen(client, boss):
    fair = frozen_fair(by=boss)
    response = client.post(reverse("fairs:policy_new", args=[fair.pk]))
    assert response.status_code == 302
    assert _messages(response) == [_t("The list is frozen: the policy can no longer change.")]
    assert fair.policies.count() == 1
    page = _page(client, reverse("fairs:policy", args=[fair.pk]))
    assert reverse("fairs:policy_new", args=[fair.pk]) not in page
    response = client.post(reverse("fairs:policy", args=[fair.pk]), {"offer_hours": "1"})
    assert response.status_code == 302
    assert _messages(response)[-1] == _t("The list is frozen: the policy can no longer change.")
    assert fair.policies.get().offer_hours == 48


def test_publishing_without_booths_to_draw_is_refused(client, boss):
    fair = make_fair(standard=0, food=0)
    policy = draft_of(fair, boss)
    response = client.post(reverse("fairs:policy_publish", args=[policy.pk]))
    assert _messages(response) == [_t("Add the booths to draw before publishing the policy.")]
    assert not Policy.objects.get(pk=policy.pk).is_published


def test_readers_see_the_policy_without_the_draft_form(client, district_member):
    fair = make_fair()
    publish_policy(fair, manager())
    draft_of(fair)
    client.force_login(district_member)
    response = client.get(reverse("fairs:policy", args=[fair.pk]))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert reverse("fairs:policy_publish", args=[fair.policies.get(version=2).pk]) not in (
        response.content.decode()
    )


# --- The floor plan ---------------------------------------------------------------------------


def test_the_plan_draws_every_booth_in_metres(client, district_member):
    fair = make_fair()
    Zone.objects.filter(fair=fair, code="A").update(colour="red")
    client.force_login(district_member)
    page = _page(client, reverse("fairs:plan", args=[fair.pk]))
    # booths span x 0–12, y 0–15; a metre of margin around
    assert 'viewBox="-1 -1 26 17"' in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count('class="booth-box"') == 13
    assert re.search(r'class="booth fill-reserved zone-edge--red"', svg)  # R01
    assert re.search(r'class="booth fill-available zone-edge--none"', svg)  # zone B
    assert "<title>" in svg
    assert "S01" in svg and "ร้านกาชาดจังหวัดสระแก้ว" in page
    assert page.count('<tr id="booth-') == 13  # the same booths as a table


def test_the_plan_escapes_what_people_typed(client, district_member):
    """The booths' markup is written in Python (2,500 booths); names and notes typed by
    people are escaped there as the template engine would."""
    fair = make_fair()
    Zone.objects.filter(fair=fair, code="A").update(name='<b>"เวที"</b>')
    Booth.objects.filter(fair=fair, reserved_for__gt="").update(reserved_note="<i>กาชาด</i> & co")
    client.force_login(district_member)
    page = _page(client, reverse("fairs:plan", args=[fair.pk]))
    assert "<b>" not in page and "<i>" not in page
    assert page.count("&lt;b&gt;&quot;เวที&quot;&lt;/b&gt;") >= 2  # on the plan and in the table
    assert page.count("&lt;i&gt;กาชาด&lt;/i&gt; &amp; co") == 2


def test_after_the_draw_the_plan_shows_each_occupant(client, district_member):
    fair, draw = drawn_fair(applicants=4, food=0)
    line = (
        draw.lines.filter(outcome="selected")
        .select_related("booth", "application__producer")
        .first()
    )
    client.force_login(district_member)
    page = _page(client, reverse("fairs:plan", args=[fair.pk]))
    assert page.count("fill-offered") >= 4 + 1  # the booths and the legend
    assert escape(line.application.producer.name) in page
    page = _page(client, reverse("fairs:plan", args=[fair.pk]), colour="category")
    assert "fill-cat-textile" in page
    page = _page(client, reverse("fairs:plan", args=[fair.pk]), colour="district")
    assert re.search(r'class="booth fill-d[0-9]+ ', page)
    assert "เมืองสระแก้ว" in page
    page = _page(client, reverse("fairs:plan", args=[fair.pk]), colour="nonsense")
    assert 'aria-current="page">' + escape(_t("Status")) in page


def test_the_plan_is_printable(client, district_member):
    fair = make_fair()
    client.force_login(district_member)
    page = _page(client, reverse("fairs:plan", args=[fair.pk]))
    assert "css/fairs_setup.css" in page
    assert 'class="btn-group no-print"' in page


def _booths_drawn(page: str) -> list[str]:
    svg = page[page.index('<svg class="plan-svg"') :]
    svg = svg[: svg.index("</svg>")]
    return re.findall(r'class="booth-code" x="[^"]*" y="[^"]*">([^<]+)<', svg)


def test_a_large_fairs_plan_shows_a_zone_at_a_time(client, district_member, monkeypatch):
    """Above ZONE_AT_A_TIME booths the plan opens on the first zone, with an overview of
    the zones to move between them; "all zones" draws every booth (for print)."""
    from fairs import selectors_setup

    monkeypatch.setattr(selectors_setup, "ZONE_AT_A_TIME", 12)
    fair = make_fair()  # zone A: 5 booths, zone B: 8
    url = reverse("fairs:plan", args=[fair.pk])
    client.force_login(district_member)
    page = _page(client, url)
    assert sorted(_booths_drawn(page)) == ["R01", "S01", "S03", "S05", "S07"]
    assert page.count('<tr id="booth-') == 5
    assert "plan-overview-svg" in page
    assert 'href="?colour=status&amp;zone=all"' in page
    assert 'href="?colour=status&amp;zone=B"' in page
    assert 'aria-current="page">A หน้าเวที (5)' in page
    assert "zone-box--shown" in page
    assert _has(page, _t("Booths of zone %(code)s %(name)s") % {"code": "A", "name": "หน้าเวที"})

    page = _page(client, url, zone="B")
    assert sorted(_booths_drawn(page)) == [
        "F01", "F02", "F03", "F04", "S02", "S04", "S06", "S08",
    ]  # fmt: skip
    # the colouring keeps the zone, the zones keep the colouring
    assert 'href="?colour=district&amp;zone=B"' in page
    page = _page(client, url, zone="B", colour="category")
    assert 'href="?colour=category&amp;zone=A"' in page
    assert 'href="?colour=category&amp;zone=all"' in page

    page = _page(client, url, zone="all")
    assert len(_booths_drawn(page)) == 13
    assert "plan-overview-svg" not in page
    assert 'aria-current="page">' + escape(_t("All zones (%(count)s)") % {"count": 13}) in page

    assert client.get(url, {"zone": "Z"}).status_code == 404


def test_a_fair_within_the_limit_shows_every_zone_and_can_show_one(client, district_member):
    fair = make_fair()
    url = reverse("fairs:plan", args=[fair.pk])
    client.force_login(district_member)
    page = _page(client, url)
    assert len(_booths_drawn(page)) == 13
    assert "plan-overview-svg" not in page
    assert 'href="?colour=status&amp;zone=A"' in page  # the zones are listed to pick one
    page = _page(client, url, zone="A")
    assert len(_booths_drawn(page)) == 5
    # a single zone's view box is around its booths only
    assert 'viewBox="-1 -1 23 17"' in page  # x 0–21 (S01–S07), y 0–15 (R01)


def test_a_fair_with_one_zone_lists_no_zones(client, district_member):
    fair = make_fair()
    Booth.objects.filter(fair=fair).update(zone=Zone.objects.get(fair=fair, code="A"))
    client.force_login(district_member)
    page = _page(client, reverse("fairs:plan", args=[fair.pk]))
    assert "zone=" not in page
    assert len(_booths_drawn(page)) == 13


# --- Query counts ---------------------------------------------------------------------------


def test_the_plan_takes_the_same_queries_for_3_and_40_booths(client, district_member):
    small = make_fair(standard=2, food=0, reserved=1)
    large = make_fair(name="งานใหญ่", opens=timezone.localdate() - timedelta(days=3))
    add_booths(large, 40 - large.booths.count())
    assert large.booths.count() == 40
    client.force_login(district_member)
    few = _queries(client, reverse("fairs:plan", args=[small.pk]))
    many = _queries(client, reverse("fairs:plan", args=[large.pk]))
    assert few == many
    # one zone of a large fair, or all of its zones: the same queries again
    assert _queries(client, reverse("fairs:plan", args=[large.pk]) + "?zone=B") == few
    assert _queries(client, reverse("fairs:plan", args=[large.pk]) + "?zone=all") == few


def test_the_plan_of_a_drawn_fair_takes_the_same_queries(client, district_member):
    fair, _draw = drawn_fair(applicants=6, food=2)
    small = make_fair(
        standard=2,
        food=0,
        reserved=1,
        name="งานเล็ก",
        opens=timezone.localdate() - timedelta(days=2),
    )
    client.force_login(district_member)
    for colour in ("status", "district", "category"):
        url = reverse("fairs:plan", args=[fair.pk]) + f"?colour={colour}"
        assert _queries(client, url) == _queries(
            client, reverse("fairs:plan", args=[small.pk]) + f"?colour={colour}"
        )


def test_the_booth_list_takes_the_same_queries_for_3_and_40_booths(client, boss):
    small = make_fair(standard=2, food=0, reserved=1)
    large = make_fair(name="งานใหญ่", opens=timezone.localdate() - timedelta(days=3))
    add_booths(large, 40 - large.booths.count())
    few = _queries(client, reverse("fairs:booths", args=[small.pk]))
    many = _queries(client, reverse("fairs:booths", args=[large.pk]))
    assert few == many


def test_the_zone_and_type_lists_take_the_same_queries_for_1_and_many(client, boss):
    one = make_fair()
    many = make_fair(name="งานใหญ่", opens=timezone.localdate() - timedelta(days=3))
    for i in range(8):
        Zone.objects.create(fair=many, code=f"Z{i}", name=f"โซน {i}", colour="green")
        BoothType.objects.create(fair=many, code=f"T{i}", name=f"แบบ {i}", width_m=2, depth_m=2)
    for name in ("zones", "booth_types"):
        assert _queries(client, reverse(f"fairs:{name}", args=[one.pk])) == _queries(
            client, reverse(f"fairs:{name}", args=[many.pk])
        )
