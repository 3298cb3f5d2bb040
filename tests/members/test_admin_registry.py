"""The registry in Django admin: what provincial staff find with its filters and lists."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

import members.admin_registry  # noqa: F401  (registered from members/admin.py later)
from members.models import (
    Category,
    Certification,
    ContactKind,
    ContactLog,
    MembershipStatus,
    NationalIdView,
    NetworkMembership,
    NetworkSettings,
    Person,
    Producer,
    ProducerMember,
    ProducerType,
    Product,
    Quadrant,
    QuadrantAssessment,
    SalesChannel,
    SalesReport,
    Standard,
    StarRating,
)
from otop_portal.lib.natid import check_digit
from otop_portal.lib.thaidate import format_thai_datetime

BANGKOK = ZoneInfo("Asia/Bangkok")
REGISTRY_MODELS = [
    Person,
    Producer,
    Product,
    StarRating,
    QuadrantAssessment,
    Certification,
    NetworkMembership,
    ContactLog,
    SalesReport,
    NetworkSettings,
    NationalIdView,
]

# --- Small builders -----------------------------------------------------------------------


def _national_id(first_twelve: str = "110170012345") -> str:
    return first_twelve + str(check_digit(first_twelve))


def _person(first_name: str = "สมศรี", **fields) -> Person:
    fields.setdefault("district_id", "2701")
    return Person.objects.create(first_name=first_name, last_name="ใจดี", **fields)


def _producer(name: str, district: str = "2701", **fields) -> Producer:
    return Producer.objects.create(
        name=name, producer_type=ProducerType.COMMUNITY_GROUP, district_id=district, **fields
    )


def _product(producer: Producer, name: str = "ผ้าไหม", category=Category.TEXTILE) -> Product:
    return Product.objects.create(
        producer=producer, name=name, category=category, price=Decimal("350.00"), unit="ผืน"
    )


def _rate(product: Product, stars: int, year: int = 2567) -> StarRating:
    return StarRating.objects.create(product=product, round_year_be=year, stars=stars)


@pytest.fixture(autouse=True)
def _a_fixed_day():
    """1 November 2026: fiscal year 2570 has begun, and FY 2569 ended 32 days ago (in
    grace). Memberships run to 30 September, so dates here are fiscal-year ends."""
    with time_machine.travel(datetime(2026, 11, 1, 10, 0, tzinfo=BANGKOK), tick=False):
        yield


def _membership(producer: Producer, valid_until: date | None, **fields) -> NetworkMembership:
    fields.setdefault("status", MembershipStatus.ACTIVE)
    joined = date(2020, 10, 1) if valid_until else None
    return NetworkMembership.objects.create(
        producer=producer, joined_on=joined, valid_until=valid_until, **fields
    )


def _changelist(model) -> str:
    return reverse(f"admin:members_{model._meta.model_name}_changelist")


def _listed(client, model, **params) -> list[str]:
    response = client.get(_changelist(model), params)
    assert response.status_code == 200
    return sorted(str(row) for row in response.context["cl"].result_list)


def _read_in_english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _verify(client, *ratings: StarRating) -> None:
    client.post(
        _changelist(StarRating),
        {"action": "verify_ratings", "_selected_action": [rating.pk for rating in ratings]},
        follow=True,  # so its message is not left for the next page
    )


def _a_bit_of_everything(staff) -> dict:
    """One row of every registry model, linked the way real data is."""
    person = _person(national_id=_national_id())
    producer = _producer("กลุ่มทอผ้าบ้านหนองแวง", contact_person=person)
    ProducerMember.objects.create(producer=producer, person=person)
    product = _product(producer)
    rating = _rate(product, 4)
    return {
        Person: person,
        Producer: producer,
        Product: product,
        StarRating: rating,
        QuadrantAssessment: QuadrantAssessment.objects.create(
            product=product, fiscal_year_be=2568, quadrant=Quadrant.B
        ),
        Certification: Certification.objects.create(
            product=product, standard=Standard.TCPS, number="มผช. 12/2567"
        ),
        NetworkMembership: _membership(producer, date(2027, 9, 30)),
        ContactLog: ContactLog.objects.create(
            producer=producer, on=timezone.localdate(), kind=ContactKind.VISIT, recorded_by=staff
        ),
        SalesReport: SalesReport.objects.create(
            producer=producer,
            fiscal_year_be=2568,
            quarter=1,
            channel=SalesChannel.FAIR,
            amount=Decimal("12500.00"),
        ),
        NetworkSettings: NetworkSettings.current(),
        NationalIdView: NationalIdView.objects.create(person=person, viewed_by=staff, path="/x/"),
    }


# --- Every page loads ---------------------------------------------------------------------


def test_every_registry_list_and_page_loads_for_staff(client, staff):
    rows = _a_bit_of_everything(staff)
    client.force_login(staff)
    for model in REGISTRY_MODELS:
        assert model in admin.site._registry, model
        name = model._meta.model_name
        assert client.get(_changelist(model)).status_code == 200, name
        change = reverse(f"admin:members_{name}_change", args=[rows[model].pk])
        assert client.get(change).status_code == 200, change


def test_a_registry_search_finds_a_producer_by_a_members_phone(client, staff):
    producer = _producer("กลุ่มจักสานบ้านโคก")
    ProducerMember.objects.create(producer=producer, person=_person(phone="0812345678"))
    _producer("กลุ่มอื่น")
    client.force_login(staff)

    assert _listed(client, Producer, q="0812345678") == ["กลุ่มจักสานบ้านโคก"]


# --- Producer filters ---------------------------------------------------------------------


def test_the_stars_filter_goes_by_each_products_latest_round(client, staff):
    rising = _product(_producer("ขึ้นเป็นห้าดาว"))
    _rate(rising, 3, year=2565)
    _rate(rising, 5, year=2567)
    falling = _product(_producer("ลงเป็นสามดาว"))
    _rate(falling, 5, year=2565)
    _rate(falling, 3, year=2567)
    _product(_producer("ยังไม่มีดาว"))
    client.force_login(staff)

    assert _listed(client, Producer, stars="5") == ["ขึ้นเป็นห้าดาว"]
    assert _listed(client, Producer, stars="3") == ["ลงเป็นสามดาว"]
    assert _listed(client, Producer, stars="none") == ["ยังไม่มีดาว"]


def test_a_producer_matches_the_stars_of_any_of_its_products(client, staff):
    producer = _producer("สองสินค้า")
    _rate(_product(producer, "ผ้าไหม"), 2)
    _rate(_product(producer, "ผ้าฝ้าย"), 4)
    client.force_login(staff)

    assert _listed(client, Producer, stars="2") == ["สองสินค้า"]
    assert _listed(client, Producer, stars="4") == ["สองสินค้า"]


def test_the_quadrant_filter_goes_by_each_products_latest_assessment(client, staff):
    moved_up = _product(_producer("จาก D เป็น A"))
    QuadrantAssessment.objects.create(product=moved_up, fiscal_year_be=2566, quadrant=Quadrant.D)
    QuadrantAssessment.objects.create(product=moved_up, fiscal_year_be=2568, quadrant=Quadrant.A)
    still_d = _product(_producer("ยังเป็น D"))
    QuadrantAssessment.objects.create(product=still_d, fiscal_year_be=2567, quadrant=Quadrant.D)
    client.force_login(staff)

    assert _listed(client, Producer, quadrant="A") == ["จาก D เป็น A"]
    assert _listed(client, Producer, quadrant="D") == ["ยังเป็น D"]


def test_the_category_filter_lists_a_producer_with_two_such_products_once(client, staff):
    weaver = _producer("กลุ่มทอผ้า")
    _product(weaver, "ผ้าไหม", Category.TEXTILE)
    _product(weaver, "ผ้าฝ้าย", Category.TEXTILE)
    _product(_producer("กลุ่มน้ำพริก"), "น้ำพริกเผา", Category.FOOD)
    client.force_login(staff)

    assert _listed(client, Producer, products__category__exact="textile") == ["กลุ่มทอผ้า"]
    assert _listed(client, Producer, products__category__exact="food") == ["กลุ่มน้ำพริก"]


def test_the_membership_filter_derives_the_status_from_the_dates(client, staff):
    NetworkSettings.current()  # 90 days of grace
    _membership(_producer("ยังไม่หมดอายุ"), date(2027, 9, 30))
    _membership(_producer("หมดอายุเมื่อวาน"), date(2026, 9, 30))
    _membership(_producer("หมดอายุนานแล้ว"), date(2025, 9, 30))
    _membership(
        _producer("ลาออก"), None, status=MembershipStatus.RESIGNED, ended_on=date(2024, 3, 1)
    )
    _membership(_producer("รออนุมัติ"), None, status=MembershipStatus.PENDING)
    _producer("ไม่ได้สมัคร")
    client.force_login(staff)

    assert _listed(client, Producer, membership="active") == ["ยังไม่หมดอายุ"]
    assert _listed(client, Producer, membership="grace") == ["หมดอายุเมื่อวาน"]
    assert _listed(client, Producer, membership="lapsed") == ["หมดอายุนานแล้ว"]
    assert _listed(client, Producer, membership="resigned") == ["ลาออก"]
    assert _listed(client, Producer, membership="pending") == ["รออนุมัติ"]
    assert _listed(client, Producer, membership="none") == ["ไม่ได้สมัคร"]


def test_a_membership_lapses_after_its_grace_without_anyone_marking_it(client, staff):
    NetworkSettings.current()
    _membership(_producer("สมาชิกปี 2568"), date(2025, 9, 30))  # the end of FY 2568

    def status_on(day: date) -> list[str]:
        with time_machine.travel(datetime.combine(day, datetime.min.time(), BANGKOK), tick=False):
            client.force_login(staff)
            return [
                status
                for status in MembershipStatus.values
                if _listed(client, Producer, membership=status)
            ]

    assert status_on(date(2025, 9, 30)) == ["active"]
    assert status_on(date(2025, 12, 29)) == ["grace"]
    assert status_on(date(2025, 12, 30)) == ["lapsed"]


def test_the_district_filter_offers_only_the_portals_districts(client, staff):
    client.force_login(staff)
    response = client.get(_changelist(Producer))
    (district_filter,) = [
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "field_path", None) == "district"
    ]

    assert {code for code, _ in district_filter.lookup_choices} == {f"270{n}" for n in range(1, 10)}


def test_the_district_filter_narrows_the_list(client, staff):
    _producer("ในเมือง", district="2701")
    _producer("อรัญ", district="2706")
    client.force_login(staff)

    assert _listed(client, Producer, district__code__exact="2706") == ["อรัญ"]


# --- Producer list ------------------------------------------------------------------------


def _producer_with_everything(n: int) -> Producer:
    producer = _producer(f"ผู้ผลิต {n:02d}", contact_person=_person(f"ผู้ติดต่อ{n}"))
    for name in ("ผ้าไหม", "ผ้าฝ้าย"):
        product = _product(producer, name)
        _rate(product, 4, year=2566)
        _rate(product, 5)
        QuadrantAssessment.objects.create(product=product, fiscal_year_be=2568, quadrant="A")
    _membership(producer, date(2027, 9, 30))
    return producer


def test_the_producer_list_takes_the_same_number_of_queries_for_1_or_30_producers(client, staff):
    NetworkSettings.current()
    client.force_login(staff)
    url = _changelist(Producer)
    _producer_with_everything(0)
    client.get(url)  # sessions, content types and the like are cached from here on
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(1, 30):
        _producer_with_everything(n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(response.context["cl"].result_list) == 30
    assert len(many) == len(one), [query["sql"][:200] for query in many.captured_queries]


def test_the_producer_list_shows_product_count_membership_and_best_stars(client, staff):
    producer = _producer("กลุ่มแม่บ้าน", contact_person=_person("บุญมี"))
    _rate(_product(producer, "ข้าวเกรียบ", Category.FOOD), 3)
    _rate(_product(producer, "กล้วยตาก", Category.FOOD), 5)
    _product(producer, "น้ำพริก", Category.FOOD)
    _membership(producer, date(2026, 9, 30))
    client.force_login(staff)

    response = client.get(_changelist(Producer))
    (row,) = response.context["cl"].result_list

    assert row.product_count == 3
    assert row.best_stars == 5
    assert row.membership_status == MembershipStatus.GRACE
    page = response.content.decode()
    assert "★★★★★" in page
    assert "บุญมี" in page


def test_the_product_list_filters_by_current_stars(client, staff):
    producer = _producer("ผู้ผลิต")
    now_five = _product(producer, "ดาวขึ้น")
    _rate(now_five, 3, year=2565)
    _rate(now_five, 5, year=2567)
    _rate(_product(producer, "สามดาว"), 3)
    client.force_login(staff)

    assert _listed(client, Product, stars="5") == ["ดาวขึ้น"]
    assert _listed(client, Product, stars="3") == ["สามดาว"]


# --- People -------------------------------------------------------------------------------


def test_the_person_list_shows_national_ids_masked_never_in_full(client, staff):
    full = _national_id("310060012345")
    _person(national_id=full)
    client.force_login(staff)

    page = client.get(_changelist(Person)).content.decode()

    assert f"X-XXXX-XXXXX-{full[10:12]}-{full[12]}" in page
    assert full not in page
    assert full[:10] not in page


def test_the_person_list_is_in_thai_dictionary_order(client, staff):
    for name in ("ขวัญ", "เกษม", "กมล"):
        _person(name)
    client.force_login(staff)

    response = client.get(_changelist(Person))

    assert [p.first_name for p in response.context["cl"].result_list] == ["กมล", "เกษม", "ขวัญ"]


def test_staff_find_a_person_by_a_national_id_typed_with_dashes(client, staff):
    full = _national_id("310060012345")
    _person("เจ้าของเลข", national_id=full)
    _person("คนอื่น", national_id=_national_id("310060054321"))
    client.force_login(staff)
    typed = f"{full[0]}-{full[1:5]}-{full[5:10]}-{full[10:12]}-{full[12]}"

    assert _listed(client, Person, q=typed) == ["เจ้าของเลข ใจดี"]
    assert _listed(client, Person, q=full) == ["เจ้าของเลข ใจดี"]


def test_opening_a_persons_page_records_that_staff_saw_the_full_id(client, staff):
    person = _person(national_id=_national_id())
    client.force_login(staff)
    url = reverse("admin:members_person_change", args=[person.pk])

    page = client.get(url).content.decode()

    assert person.national_id in page
    view = NationalIdView.objects.get()
    assert (view.person, view.viewed_by, view.path) == (person, staff, url)


def test_opening_the_page_of_a_person_without_an_id_records_nothing(client, staff):
    person = _person()
    client.force_login(staff)

    client.get(reverse("admin:members_person_change", args=[person.pk]))

    assert not NationalIdView.objects.exists()


def test_the_person_form_stores_an_id_typed_as_printed_on_the_card(client, staff):
    person = _person()
    full = _national_id()
    client.force_login(staff)

    response = client.post(
        reverse("admin:members_person_change", args=[person.pk]),
        {
            "district": "2701",
            "first_name": "สมศรี",
            "sex": "female",
            "national_id": f"{full[0]}-{full[1:5]}-{full[5:10]}-{full[10:12]}-{full[12]}",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.national_id == full


# --- Star ratings -------------------------------------------------------------------------


def test_staff_verify_ratings_with_the_admin_action(client, staff):
    ratings = [_rate(_product(_producer(f"ผู้ผลิต{n}")), 4) for n in range(3)]
    client.force_login(staff)

    response = client.post(
        _changelist(StarRating),
        {"action": "verify_ratings", "_selected_action": [r.pk for r in ratings[:2]]},
        follow=True,
    )

    assert response.status_code == 200
    verified = StarRating.objects.filter(verified_at__isnull=False)
    assert set(verified) == set(ratings[:2])
    assert {rating.verified_by for rating in verified} == {staff}
    assert all(rating.verified_at <= timezone.now() for rating in verified)


def test_the_verify_action_reports_how_many_it_verified(client, staff):
    already = _rate(_product(_producer("ตรวจแล้ว")), 4)
    fresh = _rate(_product(_producer("ยังไม่ตรวจ")), 4)
    client.force_login(staff)
    _verify(client, already)
    _read_in_english(client)

    response = client.post(
        _changelist(StarRating),
        {"action": "verify_ratings", "_selected_action": [already.pk, fresh.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["1 rating marked as verified."]


def test_the_unverify_action_clears_who_and_when(client, staff):
    rating = _rate(_product(_producer("ผู้ผลิต")), 4)
    client.force_login(staff)
    _verify(client, rating)

    client.post(
        _changelist(StarRating), {"action": "unverify_ratings", "_selected_action": [rating.pk]}
    )

    rating.refresh_from_db()
    assert rating.verified_at is None
    assert rating.verified_by is None


def test_the_verified_filter_separates_verified_ratings(client, staff):
    checked = _rate(_product(_producer("ตรวจแล้ว"), "สินค้าตรวจแล้ว"), 4)
    _rate(_product(_producer("ยังไม่ตรวจ"), "สินค้ายังไม่ตรวจ"), 4)
    client.force_login(staff)
    _verify(client, checked)

    assert _listed(client, StarRating, verified="yes") == [str(checked)]
    assert len(_listed(client, StarRating, verified="no")) == 1


def test_a_verified_rating_cannot_be_changed_until_it_is_unverified(client, staff):
    rating = _rate(_product(_producer("ผู้ผลิต")), 4)
    client.force_login(staff)
    _verify(client, rating)
    url = reverse("admin:members_starrating_change", args=[rating.pk])
    form = {
        "product": rating.product_id,
        "round_year_be": 2567,
        "stars": 5,
        "level": "provincial",
        "certificate_no": "",
    }

    response = client.post(url, form)

    assert response.status_code == 200
    rating.refresh_from_db()
    assert rating.stars == 4
    client.post(
        _changelist(StarRating), {"action": "unverify_ratings", "_selected_action": [rating.pk]}
    )
    assert client.post(url, form).status_code == 302
    rating.refresh_from_db()
    assert rating.stars == 5


def test_the_rating_form_offers_no_way_to_set_who_verified(client, staff):
    rating = _rate(_product(_producer("ผู้ผลิต")), 4)
    client.force_login(staff)

    form = (
        client.get(reverse("admin:members_starrating_change", args=[rating.pk]))
        .context["adminform"]
        .form
    )

    assert "verified_by" not in form.fields
    assert "verified_at" not in form.fields


# --- The other registry lists -------------------------------------------------------------


def test_the_certification_filter_finds_certificates_expiring_within_90_days(client, staff):
    product = _product(_producer("ผู้ผลิต"))
    today = timezone.localdate()
    for number, expires in [
        ("soon", today + timedelta(days=90)),
        ("later", today + timedelta(days=91)),
        ("past", today - timedelta(days=1)),
    ]:
        Certification.objects.create(
            product=product, standard=Standard.FDA, number=number, expires_on=expires
        )
    client.force_login(staff)

    response = client.get(_changelist(Certification), {"expiry": "soon"})
    assert [c.number for c in response.context["cl"].result_list] == ["soon"]
    response = client.get(_changelist(Certification), {"expiry": "expired"})
    assert [c.number for c in response.context["cl"].result_list] == ["past"]


def test_the_membership_list_shows_the_status_as_of_today(client, staff):
    NetworkSettings.current()
    _membership(_producer("หมดอายุนานแล้ว"), date(2025, 9, 30))
    _membership(_producer("ยังไม่หมดอายุ"), date(2027, 9, 30))
    client.force_login(staff)

    response = client.get(_changelist(NetworkMembership), {"status_today": "lapsed"})

    assert [m.producer.name for m in response.context["cl"].result_list] == ["หมดอายุนานแล้ว"]


def test_a_contact_is_recorded_by_whoever_adds_it(client, staff, officer):
    producer = _producer("ผู้ผลิต")
    client.force_login(staff)

    response = client.post(
        reverse("admin:members_contactlog_add"),
        {
            "producer": producer.pk,
            "on": "15/10/2568",
            "kind": ContactKind.CALL,
            "notes": "",
            "recorded_by": officer.pk,  # ignored: not a field of the form
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    contact = ContactLog.objects.get()
    assert contact.recorded_by == staff
    assert contact.on == date(2025, 10, 15), "typed in B.E."


def test_the_sales_list_filters_by_district(client, staff):
    for name, district in [("ในเมือง", "2701"), ("อรัญ", "2706")]:
        SalesReport.objects.create(
            producer=_producer(name, district=district),
            fiscal_year_be=2568,
            quarter=2,
            channel=SalesChannel.ONLINE,
            amount=Decimal("1000.00"),
        )
    client.force_login(staff)

    response = client.get(_changelist(SalesReport), {"producer__district__code__exact": "2706"})

    assert [r.producer.name for r in response.context["cl"].result_list] == ["อรัญ"]


def test_the_settings_row_can_be_changed_but_not_added_twice_or_deleted(client, staff):
    settings_row = NetworkSettings.current()
    client.force_login(staff)

    assert client.get(reverse("admin:members_networksettings_add")).status_code == 403
    delete = reverse("admin:members_networksettings_delete", args=[settings_row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:members_networksettings_change", args=[settings_row.pk])
    response = client.post(
        change,
        {"grace_days": 60, "annual_fee": "100.00", "representatives_per_district": 2},
    )
    assert response.status_code == 302
    assert NetworkSettings.current().grace_days == 60


def test_staff_add_the_settings_row_when_there_is_none(client, staff):
    NetworkSettings.objects.all().delete()
    client.force_login(staff)

    response = client.post(
        reverse("admin:members_networksettings_add"),
        {"grace_days": 30, "annual_fee": "0.00", "representatives_per_district": 3},
    )

    assert response.status_code == 302
    assert NetworkSettings.objects.get().pk == 1


@pytest.mark.parametrize("verb", ["add", "change", "delete"])
def test_the_national_id_log_cannot_be_written_in_the_admin(client, staff, verb):
    view = NationalIdView.objects.create(person=_person(), viewed_by=staff, path="/x/")
    client.force_login(staff)
    args = [] if verb == "add" else [view.pk]

    response = client.post(reverse(f"admin:members_nationalidview_{verb}", args=args), {})

    assert response.status_code == 403
    assert NationalIdView.objects.get().path == "/x/"


def test_registry_pages_show_timestamps_in_the_buddhist_era(client, staff):
    producer = _producer("ผู้ผลิต")
    client.force_login(staff)

    page = client.get(reverse("admin:members_producer_change", args=[producer.pk]))

    with translation.override("th"):
        shown = format_thai_datetime(producer.created_at, short=True)
    assert shown in page.content.decode()
