"""Registering, finding and recording producers, as a district member and as staff."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from members.models import (
    Category,
    MembershipStatus,
    NationalIdView,
    NetworkMembership,
    Person,
    Producer,
    StarRating,
)
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import (
    PersonFactory,
    ProducerFactory,
    ProductFactory,
    StarRatingFactory,
    national_id,
    sa_kaeo_district,
)


def _registration(**overrides) -> dict:
    data = {
        "producer-name": "กลุ่มจักสานบ้านท่าแยก",
        "producer-producer_type": "community_group",
        "producer-subdistrict": "270105",
        "producer-postal_code": "",
        "producer-phone": "0371234567",
        "person-title": "นาง",
        "person-first_name": "บุญเรือน",
        "person-last_name": "ใจงาม",
        "person-sex": "female",
        "person-national_id": national_id(900001),
        "person-phone": "081-234-5678",
        "person-consent_on": "25/10/2568",
        "person-role": "chair",
        "person-subdistrict": "270105",
    }
    data.update(overrides)
    return data


def _post(client, data):
    with translation.override("th"):
        return client.post(reverse("members:producer_create"), data)


def test_a_district_member_registers_a_producer_with_its_contact_person(client, district_member):
    client.force_login(district_member)
    response = _post(client, _registration())
    producer = Producer.objects.get(name="กลุ่มจักสานบ้านท่าแยก")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:producer_detail", args=[producer.pk])
    assert producer.district_id == OWN_DISTRICT
    assert producer.postal_code == "27000", "filled in from the subdistrict"
    assert producer.registered_by == district_member
    chair = producer.contact_person
    assert chair.district_id == OWN_DISTRICT
    assert chair.phone == "0812345678"
    assert chair.consent_on == date(2025, 10, 25), "typed in B.E."
    assert producer.members.get().role == "chair"
    assert producer.membership.status == MembershipStatus.PENDING


def test_nothing_is_saved_when_the_contact_person_is_wrong(client, district_member):
    client.force_login(district_member)
    response = _post(client, _registration(**{"person-national_id": "1234567890123"}))
    assert response.status_code == 200
    errors = response.context["person_form"].errors["national_id"]
    assert errors == ["เลขประจำตัวประชาชนไม่ถูกต้อง ตรวจสอบเลขหลักสุดท้าย"]
    assert not Producer.objects.exists()
    assert not Person.objects.exists()


def test_a_ce_year_is_refused_with_the_be_year_suggested(client, district_member):
    client.force_login(district_member)
    response = _post(client, _registration(**{"person-consent_on": "25/10/2025"}))
    assert response.context["person_form"].errors["consent_on"] == [
        "ปี 2025 ดูเหมือน ค.ศ. หมายถึง 2568 หรือไม่"
    ]


def test_a_district_member_cannot_register_in_another_district(client, district_member):
    client.force_login(district_member)
    response = _post(client, _registration(**{"producer-subdistrict": "270601"}))
    assert "subdistrict" in response.context["form"].errors
    assert "district" not in response.context["form"].fields
    assert not Producer.objects.exists()


def test_staff_choose_the_district(client, staff):
    client.force_login(staff)
    _post(
        client,
        _registration(**{"producer-district": OTHER_DISTRICT, "producer-subdistrict": "270601"}),
    )
    assert Producer.objects.get().district_id == OTHER_DISTRICT


def test_a_subdistrict_with_two_postal_codes_asks_which(client, staff):
    client.force_login(staff)
    data = _registration(**{"producer-district": "2709", "producer-subdistrict": "270902"})
    response = _post(client, data)
    assert response.context["form"].errors["postal_code"] == [
        "ตำบลนี้มีรหัสไปรษณีย์สองรหัส เลือก 27210 หรือ 27250"
    ]
    _post(client, {**data, "producer-postal_code": "27250"})
    assert Producer.objects.get().postal_code == "27250"


def test_a_postal_code_of_another_subdistrict_is_refused(client, district_member):
    client.force_login(district_member)
    response = _post(client, _registration(**{"producer-postal_code": "27120"}))
    assert "postal_code" in response.context["form"].errors


def test_someone_registered_in_another_district_is_named_nowhere(client, district_member):
    other = PersonFactory(district=sa_kaeo_district(OTHER_DISTRICT), first_name="ซ่อนไว้")
    client.force_login(district_member)
    response = _post(client, _registration(**{"person-national_id": other.national_id}))
    page = response.content.decode()
    assert response.context["person_form"].errors["national_id"] == [
        "บุคคลนี้ลงทะเบียนไว้แล้วในอำเภออื่น กรุณาติดต่อเจ้าหน้าที่จังหวัด"
    ]
    assert "ซ่อนไว้" not in page


def test_someone_registered_in_the_own_district_is_linked(client, district_member):
    mine = PersonFactory(district=sa_kaeo_district(OWN_DISTRICT))
    client.force_login(district_member)
    response = _post(client, _registration(**{"person-national_id": mine.national_id}))
    assert reverse("members:person_detail", args=[mine.pk]) in response.content.decode()


def test_a_similar_producer_is_shown_and_must_be_confirmed(client, district_member):
    ProducerFactory(
        name="กลุ่มจักสานบ้านท่าแยก", subdistrict_id="270105", district=sa_kaeo_district(OWN_DISTRICT)
    )
    client.force_login(district_member)
    response = _post(client, _registration(**{"producer-name": "กลุ่มจักสานบ้านท่าแยก 2"}))
    assert response.status_code == 200
    assert response.context["similar"]
    assert Producer.objects.count() == 1
    response = _post(
        client, _registration(**{"producer-name": "กลุ่มจักสานบ้านท่าแยก 2", "confirm_similar": "1"})
    )
    assert response.status_code == 302
    assert Producer.objects.count() == 2


def test_the_same_phone_in_another_district_is_a_warning_without_names(client, district_member):
    ProducerFactory(
        name="ร้านลับ",
        phone="0371234567",
        district=sa_kaeo_district(OTHER_DISTRICT),
        subdistrict_id="270601",
    )
    client.force_login(district_member)
    response = _post(client, _registration())
    page = response.content.decode()
    assert "ลงทะเบียนไว้แล้วในอำเภออื่น" in page
    assert "ร้านลับ" not in page


# --- finding ------------------------------------------------------------------------


def _names(response) -> list[str]:
    return [producer.name for producer in response.context["page"]]


@pytest.fixture
def producers():
    own = sa_kaeo_district(OWN_DISTRICT)
    weaver = ProducerFactory(name="แม่บ้านทอผ้า", district=own)
    ProductFactory(producer=weaver, name="ผ้าขาวม้า", category=Category.TEXTILE)
    cook = ProducerFactory(name="เกษตรกรน้ำพริก", district=own)
    StarRatingFactory(
        product=ProductFactory(producer=cook, name="น้ำพริกเผา", category=Category.FOOD), stars=5
    )
    ProducerFactory(name="กลุ่มสมุนไพร", district=own)
    ProducerFactory(name="อรัญทอผ้า", district=sa_kaeo_district(OTHER_DISTRICT))
    return weaver, cook


def test_producers_come_in_thai_dictionary_order(client, district_member, producers):
    client.force_login(district_member)
    names = _names(client.get(reverse("members:producer_list")))
    # ก (กลุ่ม) before ก with a leading vowel (เกษตรกร) before ม (แม่บ้าน)
    assert names == ["กลุ่มสมุนไพร", "เกษตรกรน้ำพริก", "แม่บ้านทอผ้า"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"q": "ทอผ้า"}, ["แม่บ้านทอผ้า"]),
        ({"q": "ขาวม้า"}, ["แม่บ้านทอผ้า"]),
        ({"category": "food"}, ["เกษตรกรน้ำพริก"]),
        ({"stars": "5"}, ["เกษตรกรน้ำพริก"]),
        ({"stars": "none"}, ["กลุ่มสมุนไพร", "แม่บ้านทอผ้า"]),
        ({"status": "pending"}, ["กลุ่มสมุนไพร", "เกษตรกรน้ำพริก", "แม่บ้านทอผ้า"]),
        ({"status": "active"}, []),
    ],
)
def test_a_district_member_finds_their_producers(
    client, district_member, producers, query, expected
):
    client.force_login(district_member)
    assert _names(client.get(reverse("members:producer_list"), query)) == expected


def test_a_producer_is_found_by_a_persons_name_or_phone(client, district_member, producers):
    weaver, _cook = producers
    client.force_login(district_member)
    person = weaver.contact_person
    url = reverse("members:producer_list")
    assert _names(client.get(url, {"q": person.last_name})) == ["แม่บ้านทอผ้า"]
    assert _names(client.get(url, {"q": person.phone})) == ["แม่บ้านทอผ้า"]


def test_staff_find_producers_of_every_district(client, staff, producers):
    client.force_login(staff)
    assert "อรัญทอผ้า" in _names(client.get(reverse("members:producer_list"), {"q": "ทอผ้า"}))
    assert _names(client.get(reverse("members:producer_list"), {"district": OTHER_DISTRICT})) == [
        "อรัญทอผ้า"
    ]


def test_membership_status_follows_the_dates(db):
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    membership = NetworkMembership.objects.get(producer=producer)
    membership.status = MembershipStatus.ACTIVE
    membership.joined_on, membership.valid_until = date(2024, 11, 1), date(2026, 9, 30)
    membership.save()
    cases = [
        (date(2026, 9, 30), "active"),
        (date(2026, 12, 29), "grace"),
        (date(2026, 12, 30), "lapsed"),
    ]  # 90 days of grace
    for today, expected in cases:
        assert membership.current_status(today=today) == expected
        annotated = NetworkMembership.objects.with_status(today=today).get(pk=membership.pk)
        assert annotated.status_today == expected


@pytest.mark.parametrize(
    "url_name, args", [("members:producer_list", []), ("members:producer_export", ["csv"])]
)
def test_the_list_and_export_take_the_same_queries_for_1_or_50_producers(
    client, staff, url_name, args
):
    client.force_login(staff)
    url = reverse(url_name, args=args)

    def run():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        return len(queries)

    ProducerFactory()
    run()  # the session, the settings row and the list's cached filter bar
    one = run()
    for producer in ProducerFactory.create_batch(49):
        StarRatingFactory(product=ProductFactory(producer=producer))
    assert run() == one


def test_the_export_masks_national_ids_except_for_staff(client, district_member, staff, producers):
    weaver, _cook = producers
    client.force_login(district_member)
    body = b"".join(
        client.get(reverse("members:producer_export", args=["csv"])).streaming_content
    ).decode("utf-8-sig")
    assert weaver.contact_person.national_id not in body
    assert "X-XXXX-XXXXX" in body
    assert "อรัญทอผ้า" not in body, "another district's producer"
    client.force_login(staff)
    body = b"".join(
        client.get(reverse("members:producer_export", args=["csv"])).streaming_content
    ).decode("utf-8-sig")
    assert weaver.contact_person.national_id[:1] + "-" in body


# --- recording -----------------------------------------------------------------------


def test_a_product_and_its_star_rating_are_added(client, district_member):
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    client.force_login(district_member)
    client.post(
        reverse("members:product_add", args=[producer.pk]),
        {"name": "กล้วยตาก", "category": "food", "price": "45.50", "unit": "ห่อ", "is_active": "on"},
    )
    product = producer.products.get()
    assert product.price == Decimal("45.50")
    client.post(
        reverse("members:rating_add", args=[product.pk]),
        {"round_year_be": "2567", "stars": "4", "level": "provincial"},
    )
    rating = product.ratings.get()
    assert (rating.stars, rating.is_verified) == (4, False)
    with translation.override("th"):
        again = client.post(
            reverse("members:rating_add", args=[product.pk]),
            {"round_year_be": "2567", "stars": "5", "level": "provincial"},
        )
    assert again.status_code == 200
    assert "สินค้านี้มีผลการคัดสรรของรอบนั้นแล้ว" in again.content.decode()
    assert product.ratings.count() == 1


def test_staff_verify_a_rating_on_the_producer_page(client, staff, district_member):
    rating = StarRatingFactory(
        product=ProductFactory(producer=ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT)))
    )
    client.force_login(district_member)
    page = client.get(reverse("members:producer_detail", args=[rating.product.producer_id]))
    assert reverse("members:rating_verify", args=[rating.pk]) not in page.content.decode()
    client.force_login(staff)
    client.post(reverse("members:rating_verify", args=[rating.pk]))
    rating.refresh_from_db()
    assert rating.verified_by == staff and rating.is_verified


def test_only_staff_see_the_full_national_id_and_the_view_is_recorded(
    client, district_member, officer, staff
):
    # Issue 7 (PDPA): masked for everyone but provincial staff, even an editor
    person = PersonFactory(district=sa_kaeo_district(OWN_DISTRICT))
    url = reverse("members:person_detail", args=[person.pk])
    for masked in (officer, district_member):
        client.force_login(masked)
        page = client.get(url).content.decode()
        assert person.national_id[-3:-1] in page and "X-XXXX-XXXXX" in page
    assert not NationalIdView.objects.exists()
    client.force_login(staff)
    page = client.get(url).content.decode()
    full = person.national_id
    assert f"{full[0]}-{full[1:5]}-{full[5:10]}-{full[10:12]}-{full[12]}" in page
    view = NationalIdView.objects.get()
    assert (view.person, view.viewed_by, view.path) == (person, staff, url)


def test_the_producer_page_shows_everything_in_one_place(client, district_member):
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    StarRatingFactory(product=ProductFactory(producer=producer, name="ผ้าไหมมัดหมี่"))
    client.force_login(district_member)
    page = client.get(reverse("members:producer_detail", args=[producer.pk])).content.decode()
    for text in [
        "ผ้าไหมมัดหมี่",
        str(producer.contact_person),
        "การเป็นสมาชิกเครือข่าย",
        "รอดำเนินการ",
        "★★★★",
    ]:
        assert text in page, text


def test_the_postal_code_is_offered_for_the_chosen_subdistrict(client, district_member):
    client.force_login(district_member)
    response = client.get(
        reverse("members:postal_codes"), {"prefix": "producer", "producer-subdistrict": "270902"}
    )
    page = response.content.decode()
    assert "27210" in page and "27250" in page
    single = client.get(
        reverse("members:postal_codes"), {"prefix": "producer", "producer-subdistrict": "270101"}
    )
    assert 'value="27000"' in single.content.decode()


def test_a_rating_cannot_have_six_stars(db):
    from django.db import IntegrityError, transaction

    rating = StarRatingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StarRating.objects.filter(pk=rating.pk).update(stars=6)


def test_a_national_id_typed_in_thai_digits_is_stored_as_digits(db):
    digits = national_id(900)
    typed = "".join("๐๑๒๓๔๕๖๗๘๙"[int(d)] for d in digits)
    person = PersonFactory.build(
        national_id=f"{typed[0]}-{typed[1:5]}-{typed[5:]}", district=sa_kaeo_district()
    )
    person.full_clean()
    assert person.national_id == digits


def test_a_juristic_id_needs_its_check_digit(client, staff):
    client.force_login(staff)
    response = _post(
        client,
        _registration(
            **{"producer-juristic_id": "0105536000012", "producer-district": OWN_DISTRICT}
        ),
    )
    assert "juristic_id" in response.context["form"].errors
    first_twelve = "010553600001"
    from otop_portal.lib.natid import check_digit

    valid = first_twelve + str(check_digit(first_twelve))
    response = _post(
        client, _registration(**{"producer-juristic_id": valid, "producer-district": OWN_DISTRICT})
    )
    assert response.status_code == 302


def test_staff_cannot_place_a_producer_outside_its_district(client, staff):
    client.force_login(staff)
    response = _post(
        client,
        _registration(**{"producer-district": OWN_DISTRICT, "producer-subdistrict": "270601"}),
    )
    assert "subdistrict" in response.context["form"].errors
    assert not Producer.objects.exists()


def test_a_group_has_one_chair(client, district_member):
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))  # it has a chair
    client.force_login(district_member)
    with translation.override("th"):
        response = client.post(
            reverse("members:person_add", args=[producer.pk]),
            {
                "first_name": "สมปอง",
                "sex": "male",
                "role": "chair",
            },
        )
    assert response.status_code == 200
    assert "กลุ่มนี้มีประธานแล้ว" in response.content.decode()
    assert producer.members.count() == 1


def test_a_membership_runs_to_the_end_of_a_fiscal_year(db):
    from django.db import IntegrityError, transaction

    membership = NetworkMembership.objects.get(producer=ProducerFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkMembership.objects.filter(pk=membership.pk).update(
            status="active", joined_on=date(2025, 1, 1), valid_until=date(2025, 12, 31)
        )


def test_staff_see_the_history_of_a_producer_and_a_person(client, staff, district_member):
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT), name="ชื่อเดิม")
    client.force_login(district_member)
    client.post(
        reverse("members:product_add", args=[producer.pk]),
        {"name": "ข้าวหลาม", "category": "food", "price": "20", "unit": "กระบอก", "is_active": "on"},
    )
    page = client.get(reverse("members:producer_detail", args=[producer.pk])).content.decode()
    assert "ประวัติ" not in page, "only provincial staff see the history"
    producer.name = "ชื่อใหม่"
    producer.save()
    client.force_login(staff)
    page = client.get(reverse("members:producer_detail", args=[producer.pk])).content.decode()
    assert "ชื่อเดิม → ชื่อใหม่" in page
    assert "ข้าวหลาม" in page and str(district_member) in page, "who added the product"
    person_page = client.get(
        reverse("members:person_detail", args=[producer.contact_person_id])
    ).content.decode()
    assert "ประวัติ" in person_page


def test_the_contact_persons_phone_also_finds_a_registered_producer(client, district_member):
    known = ProducerFactory(
        name="กลุ่มเดิม", district=sa_kaeo_district(OWN_DISTRICT), subdistrict_id="270101"
    )
    client.force_login(district_member)
    response = _post(
        client, _registration(**{"producer-phone": "", "person-phone": known.contact_person.phone})
    )
    assert response.status_code == 200
    assert response.context["similar"] == [known]
