"""The application pages as district committee members, network officers and the fair
committee use them: choosing a producer, the application form made on the producer's
behalf, one application with its review, draw line and booth, changing and
withdrawing it, the review queue and decision, and the list of applications."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fairs.models import (
    Application,
    ApplicationStatus,
    Fair,
    FrozenEntry,
    Holding,
    HoldingState,
    Outcome,
)
from fairs.services import applications as services
from fairs.services import lottery
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import ProducerFactory, UserFactory, sa_kaeo_district
from tests.fairs.builders import (
    close_window,
    drawn_fair,
    make_eligible,
    make_fair,
)
from tests.fairs.builders_applications import (
    application_of,
    manager,
    open_fair,
    producer_with_products,
)

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"fairs:{name}", args=args)


def _page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _form_data(fair: Fair, producer, *, zones=("A", "B"), products=None, **extra) -> dict:
    zone = {z.code: z.pk for z in fair.zones.all()}
    chosen = dict(zip(("zone_1", "zone_2", "zone_3"), [zone[z] for z in zones], strict=False))
    if products is None:
        products = [p.pk for p in producer.products.filter(is_active=True)][:1]
    return {
        "category": "textile",
        "booth_type": fair.booth_types.get(code="STD").pk,
        "products": products,
        "products_note": "",
        "needs": "",
        "consent": "on",
        **chosen,
        **extra,
    }


# --- Choosing a producer ------------------------------------------------------------------


def test_a_district_member_chooses_among_their_district_s_producers_only(client, district_member):
    fair = open_fair()
    own = producer_with_products(name="กลุ่มทอผ้าบ้านหนองบัว")
    other = producer_with_products(OTHER_DISTRICT, name="กลุ่มจักสานอรัญ")
    applied = producer_with_products(name="กลุ่มผ้าไหมบ้านแก้ง")
    application = application_of(fair, producer=applied)
    client.force_login(district_member)
    page = _page(client, _url("apply", fair.pk))
    assert own.name in page and applied.name in page and other.name not in page
    assert _url("apply_for", fair.pk, own.pk) in page
    assert _url("apply_for", fair.pk, applied.pk) not in page
    assert f"สมัครแล้ว (ใบสมัครที่ {application.number}, " in page
    found = _page(client, _url("apply", fair.pk), q="หนองบัว")
    assert own.name in found and applied.name not in found


def test_the_producer_choice_needs_the_same_queries_for_one_producer_or_many(client, staff):
    fair = open_fair()
    application_of(fair)
    client.force_login(staff)
    client.get(_url("apply", fair.pk))
    with CaptureQueriesContext(connection) as one:
        client.get(_url("apply", fair.pk))
    for district in (OWN_DISTRICT, OTHER_DISTRICT, OWN_DISTRICT):
        application_of(fair, district=district)
        producer_with_products(district)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url("apply", fair.pk))
    assert len(response.context["rows"]) == 7
    assert len(many) == len(one)


def test_network_officers_only_read_and_cannot_apply(client, officer):
    fair = open_fair()
    producer = producer_with_products()
    client.force_login(officer)
    assert client.get(_url("apply", fair.pk)).status_code == 403
    assert client.get(_url("apply_for", fair.pk, producer.pk)).status_code == 403
    assert client.post(_url("apply_for", fair.pk, producer.pk), {}).status_code == 403
    assert client.get(_url("application_list", fair.pk)).status_code == 200


def test_before_the_policy_is_published_nobody_can_apply(client, district_member):
    fair = make_fair()
    producer = producer_with_products()
    client.force_login(district_member)
    page = _page(client, _url("apply", fair.pk))
    assert "เปิดรับสมัครเมื่อประกาศหลักเกณฑ์การจัดสรรบูธแล้ว" in page
    assert _url("apply_for", fair.pk, producer.pk) not in page
    response = client.post(_url("apply_for", fair.pk, producer.pk), _form_data(fair, producer))
    assert response.status_code == 200
    assert "เปิดรับสมัครเมื่อประกาศหลักเกณฑ์การจัดสรรบูธแล้ว" in response.content.decode()
    assert not Application.objects.exists()


def test_after_the_window_closes_only_the_fair_committee_may_still_apply(
    client, district_member, staff
):
    fair = close_window(open_fair())
    producer = producer_with_products()
    client.force_login(district_member)
    page = _page(client, _url("apply", fair.pk))
    assert "ปิดรับสมัครเมื่อ" in page
    assert _url("apply_for", fair.pk, producer.pk) not in page
    response = client.post(_url("apply_for", fair.pk, producer.pk), _form_data(fair, producer))
    assert "วันนี้ไม่อยู่ในช่วงรับสมัครของงานนี้" in response.content.decode()
    client.force_login(staff)
    page = _page(client, _url("apply", fair.pk))
    assert "ยังสมัครให้ผู้ผลิตได้จนกว่าจะปิดรายชื่อ" in page
    assert _url("apply_for", fair.pk, producer.pk) in page
    response = client.post(_url("apply_for", fair.pk, producer.pk), _form_data(fair, producer))
    assert response.status_code == 302


# --- The application form ----------------------------------------------------------------


def test_a_district_member_applies_on_a_producer_s_behalf(client, district_member):
    fair = open_fair()
    producer = producer_with_products(stars=4)
    client.force_login(district_member)
    page = _page(client, _url("apply_for", fair.pk, producer.pk))
    assert "บูธอาหาร" in page and "300.00 บาท" in page and "ไฟฟ้า" in page
    assert "★★★★" in page and "เลิกผลิตแล้ว" not in page
    products = [p.pk for p in producer.products.filter(is_active=True)]
    data = _form_data(fair, producer, zones=("B", "A"), products=products, needs="ขอปลั๊กไฟ")
    response = client.post(_url("apply_for", fair.pk, producer.pk), data)
    application = Application.objects.get(producer=producer)
    assert response.status_code == 302
    assert response["Location"] == _url("application_detail", application.pk)
    assert application.submitted_by == district_member and application.on_behalf
    assert [z.code for z in application.zones] == ["B", "A"]
    assert set(application.products.values_list("pk", flat=True)) == set(products)
    assert application.needs == "ขอปลั๊กไฟ"
    assert application.status == ApplicationStatus.SUBMITTED
    message = _messages(client.get(response["Location"]))[0]
    assert f"ใบสมัครที่ {application.number}" in message


def test_the_producer_s_consent_is_required(client, district_member):
    fair = open_fair()
    producer = producer_with_products()
    client.force_login(district_member)
    data = _form_data(fair, producer)
    del data["consent"]
    response = client.post(_url("apply_for", fair.pk, producer.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors["consent"]
    assert not Application.objects.exists()


def test_a_district_member_cannot_apply_for_another_district_s_producer(client, district_member):
    fair = open_fair()
    other = producer_with_products(OTHER_DISTRICT)
    client.force_login(district_member)
    assert client.get(_url("apply_for", fair.pk, other.pk)).status_code == 404
    response = client.post(_url("apply_for", fair.pk, other.pk), _form_data(fair, other))
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_a_second_application_for_the_same_producer_is_refused(client, district_member):
    fair = open_fair()
    producer = producer_with_products()
    first = application_of(fair, producer=producer)
    client.force_login(district_member)
    page = _page(client, _url("apply_for", fair.pk, producer.pk))
    assert f"ผู้ผลิตรายนี้สมัครงานนี้แล้ว: ใบสมัครที่ {first.number}" in page
    assert 'name="consent"' not in page  # no form to fill in vain
    response = client.post(_url("apply_for", fair.pk, producer.pk), _form_data(fair, producer))
    assert response.status_code == 200
    assert "ผู้ผลิตรายนี้สมัครงานนี้แล้ว" in str(response.context["form"].non_field_errors())
    assert Application.objects.filter(producer=producer).count() == 1


def test_the_zones_must_differ_and_come_in_order(client, district_member):
    fair = open_fair()
    producer = producer_with_products()
    client.force_login(district_member)
    url = _url("apply_for", fair.pk, producer.pk)
    response = client.post(url, _form_data(fair, producer, zones=("A", "A")))
    assert response.status_code == 200
    assert response.context["form"].errors["zone_2"] == ["เลือกแต่ละโซนได้ครั้งเดียว"]
    data = _form_data(fair, producer, zones=())
    data["zone_2"] = fair.zones.get(code="B").pk
    response = client.post(url, data)
    assert "zone_2" in response.context["form"].errors
    assert not Application.objects.exists()


def test_something_to_sell_is_required_and_fresh_produce_may_be_described(client, district_member):
    fair = open_fair()
    producer = producer_with_products()
    client.force_login(district_member)
    url = _url("apply_for", fair.pk, producer.pk)
    response = client.post(url, _form_data(fair, producer, products=[]))
    assert response.context["form"].errors["products"] == ["ระบุผลิตภัณฑ์ที่จะจำหน่าย"]
    data = _form_data(fair, producer, products=[], category="fresh", products_note="มะม่วง")
    assert client.post(url, data).status_code == 302
    application = Application.objects.get()
    assert (application.category, application.products_note) == ("fresh", "มะม่วง")


def test_a_product_s_unverified_rating_is_shown_as_not_counting(client, district_member):
    fair = open_fair()
    producer = producer_with_products(stars=5, verified=False)
    client.force_login(district_member)
    page = _page(client, _url("apply_for", fair.pk, producer.pk))
    assert "★★★★★" not in page
    assert "5 ดาว (รอบปี 2567) ยังไม่ได้รับการรับรอง: ยังไม่นับ" in page


# --- One application ----------------------------------------------------------------------


def test_the_applicant_s_district_sees_the_decision_and_its_reason(
    client, district_member, other_district_member, officer, staff
):
    fair = open_fair()
    application = application_of(fair, stars=4)
    services.application_review(
        application=application, by=manager(), status="needs_info", reason="ขอรูปสินค้าเพิ่ม"
    )
    url = _url("application_detail", application.pk)
    client.force_login(district_member)
    page = _page(client, url)
    assert "ขอข้อมูลเพิ่มเติม" in page and "ขอรูปสินค้าเพิ่ม" in page
    assert _url("application_edit", application.pk) in page
    assert _url("application_withdraw", application.pk) in page
    assert _url("application_review", application.pk) not in page
    assert client.get(url).context["history"] is None
    client.force_login(other_district_member)
    assert client.get(url).status_code == 404
    client.force_login(officer)
    page = _page(client, url)
    assert "ขอรูปสินค้าเพิ่ม" in page and _url("application_edit", application.pk) not in page
    client.force_login(staff)
    page = _page(client, url)
    assert _url("application_review", application.pk) in page
    assert "ขอรูปสินค้าเพิ่ม" in str(client.get(url).context["history"])


def test_the_page_shows_the_stars_counted_now_then_the_frozen_tickets(client, staff):
    fair = open_fair()
    application = application_of(fair, stars=4)
    client.force_login(staff)
    assert "ดาวที่นับตอนนี้: 4" in _page(client, _url("application_detail", application.pk))
    make_eligible(application, manager())
    fair = close_window(fair)
    lottery.list_freeze(fair=fair, by=manager())
    response = client.get(_url("application_detail", application.pk))
    entry = response.context["entry"]
    assert (entry.stars, entry.tickets) == (4, 2)
    assert _url("application_edit", application.pk) not in response.content.decode()


def test_after_the_draw_the_page_shows_the_reason_line_and_the_booth(client, staff):
    _fair, draw = drawn_fair(applicants=4, food=0)
    line = draw.lines.filter(outcome=Outcome.SELECTED).select_related("application").first()
    client.force_login(staff)
    response = client.get(_url("application_detail", line.application.pk))
    page = response.content.decode()
    assert f"ลำดับจับสลาก {line.position} จาก 4" in page
    assert f"ได้บูธ {line.booth.code} โซน {line.zone.code}" in page
    assert response.context["published"].of == 4
    holding = Holding.objects.get(application=line.application)
    assert _url("holding_detail", holding.pk) in page
    assert str(HoldingState.OFFERED.label) in page
    assert _url("result_letter", line.application.pk) in page


# --- Changing and withdrawing -------------------------------------------------------------


def test_a_changed_application_goes_back_to_review(client, district_member):
    fair = open_fair()
    application = application_of(fair)
    make_eligible(application, manager())
    client.force_login(district_member)
    url = _url("application_edit", application.pk)
    page = _page(client, url)
    assert "กลับไปให้คณะกรรมการพิจารณาอีกครั้ง" in page
    product = application.products.get()
    data = {
        **_form_data(fair, application.producer, zones=("B",), products=[product.pk]),
        "needs": "ขอโต๊ะเพิ่ม",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert [z.code for z in application.zones] == ["B"] and application.needs == "ขอโต๊ะเพิ่ม"
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_frozen_application_cannot_change(client, staff):
    fair = open_fair()
    application = application_of(fair)
    make_eligible(application, manager())
    lottery.list_freeze(fair=close_window(fair), by=manager())
    client.force_login(staff)
    url = _url("application_edit", application.pk)
    page = _page(client, url)
    assert "ปิดรายชื่อแล้ว: แก้ไขใบสมัครไม่ได้อีก" in page and 'name="category"' not in page
    data = _form_data(fair, application.producer, products=[application.products.get().pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "ปิดรายชื่อแล้ว" in str(response.context["form"].non_field_errors())


def test_withdrawing_before_the_freeze_lets_the_producer_apply_again(client, district_member):
    fair = open_fair()
    application = application_of(fair)
    client.force_login(district_member)
    url = _url("application_withdraw", application.pk)
    assert "สมัครใหม่ได้ก่อนวันปิดรับสมัคร" in _page(client, url)
    response = client.post(url, {"reason": "ติดงานบวช"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.withdraw_reason == "ติดงานบวช"
    assert f"ถอนใบสมัครที่ {application.number} แล้ว" in _messages(client.get(response["Location"]))[0]
    page = _page(client, _url("apply", fair.pk))
    assert _url("apply_for", fair.pk, application.producer.pk) in page
    again = client.post(url, {})
    assert again.status_code == 200
    assert "ใบสมัครนี้ถอนไปแล้ว" in again.content.decode()


def test_withdrawing_after_the_freeze_keeps_the_frozen_entry(client, district_member):
    fair = open_fair()
    application = application_of(fair)
    make_eligible(application, manager())
    frozen = lottery.list_freeze(fair=close_window(fair), by=manager())
    client.force_login(district_member)
    url = _url("application_withdraw", application.pk)
    assert "ยังคงอยู่ในรายชื่อที่ประกาศ" in _page(client, url)
    assert client.post(url, {}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    entry = FrozenEntry.objects.get(application=application)
    assert entry.frozen_list == frozen
    assert frozen.entries.count() == 1
    page = _page(client, _url("application_detail", application.pk))
    assert "ยังคงอยู่ในรายชื่อที่ประกาศ" in page


def test_withdrawing_a_held_booth_frees_it_for_the_waitlist(client, staff):
    _fair, draw = drawn_fair(applicants=4, food=0, standard=2)
    line = draw.lines.filter(outcome=Outcome.SELECTED).select_related("booth").first()
    waiting = draw.lines.filter(outcome=Outcome.WAITLIST).order_by("waitlist_position").first()
    client.force_login(staff)
    url = _url("application_withdraw", line.application_id)
    assert f"บูธ {line.booth.code} จะว่างทันที" in _page(client, url)
    response = client.post(url, {"reason": "ป่วย"})
    assert f"บูธ {line.booth.code} ว่างแล้ว" in _messages(client.get(response["Location"]))[0]
    assert Holding.objects.active_at().filter(application=waiting.application).exists()


def test_an_other_district_cannot_change_or_withdraw(client, other_district_member):
    application = application_of(open_fair())
    client.force_login(other_district_member)
    assert client.get(_url("application_edit", application.pk)).status_code == 404
    assert client.post(_url("application_withdraw", application.pk), {}).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


# --- Review ---------------------------------------------------------------------------------


def test_the_committee_decides_with_a_reason_always(client, staff):
    application = application_of(open_fair())
    client.force_login(staff)
    url = _url("application_review", application.pk)
    response = client.post(url, {"status": "eligible", "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["ระบุเหตุผลของผลการพิจารณา"]
    response = client.post(url, {"status": "rejected", "reason": "ไม่ใช่สินค้า OTOP"})
    assert response["Location"] == _url("application_detail", application.pk)
    application.refresh_from_db()
    assert (application.status, application.review_reason) == ("rejected", "ไม่ใช่สินค้า OTOP")
    assert application.reviewed_by == staff


def test_only_the_fair_committee_reviews(client, district_member, officer):
    application = application_of(open_fair())
    for user in (district_member, officer):
        client.force_login(user)
        assert client.get(_url("application_review", application.pk)).status_code == 403
        assert client.get(_url("review_queue", application.fair_id)).status_code == 403
    committee = UserFactory(officer=True, username="committee", functions=["fair_committee"])
    client.force_login(committee)
    assert client.get(_url("review_queue", application.fair_id)).status_code == 200


def test_the_queue_lists_new_applications_first_and_decides_inline(client, staff):
    fair = open_fair()
    asked = application_of(fair)
    services.application_review(
        application=asked, by=manager(), status="needs_info", reason="ขอใบรับรอง"
    )
    new = application_of(fair, district=OTHER_DISTRICT, stars=3)
    make_eligible(application_of(fair), manager())
    client.force_login(staff)
    queue = _url("review_queue", fair.pk)
    response = client.get(queue)
    assert [a for a, _form in response.context["rows"]] == [new, asked]
    page = response.content.decode()
    assert f"{_url('application_review', new.pk)}?next=%2Ffairs%2F" in page
    assert "★★★" in page and "ขอใบรับรอง" in page
    response = client.post(
        f"{_url('application_review', new.pk)}?next={queue}",
        {"status": "eligible", "reason": "ครบถ้วน"},
    )
    assert response["Location"] == queue
    assert "ใบสมัครที่" in _messages(client.get(queue))[0]
    response = client.post(
        f"{_url('application_review', asked.pk)}?next={queue}", {"status": "rejected"}
    )
    assert response.status_code == 200  # the decision page with the error, and the way back
    assert f'name="next" value="{queue}"' in response.content.decode()


def test_a_decision_never_goes_back_to_another_site(client, staff):
    application = application_of(open_fair())
    client.force_login(staff)
    response = client.post(
        f"{_url('application_review', application.pk)}?next=https://evil.example/",
        {"status": "eligible", "reason": "ผ่าน"},
    )
    assert response["Location"] == _url("application_detail", application.pk)


def test_the_review_queue_needs_the_same_queries_for_one_or_many(client, staff):
    fair = open_fair()
    application_of(fair, stars=4)
    client.force_login(staff)
    client.get(_url("review_queue", fair.pk))
    with CaptureQueriesContext(connection) as one:
        client.get(_url("review_queue", fair.pk))
    for district in (OWN_DISTRICT, OTHER_DISTRICT, OTHER_DISTRICT):
        application_of(fair, district=district, stars=5)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url("review_queue", fair.pk))
    assert len(response.context["rows"]) == 4
    assert len(many) == len(one)


def test_a_frozen_fair_s_queue_takes_no_decision(client, staff):
    fair = open_fair()
    make_eligible(application_of(fair), manager())
    lottery.list_freeze(fair=close_window(fair), by=manager())
    client.force_login(staff)
    page = _page(client, _url("review_queue", fair.pk))
    assert "ปิดรายชื่อแล้ว" in page and 'name="reason"' not in page


# --- The list -------------------------------------------------------------------------------


def test_a_district_member_lists_their_district_s_applications_with_status_and_reason(
    client, district_member
):
    fair = open_fair()
    own = application_of(fair)
    services.application_review(
        application=own, by=manager(), status="rejected", reason="เอกสารไม่ครบ"
    )
    other = application_of(fair, district=OTHER_DISTRICT)
    client.force_login(district_member)
    response = client.get(_url("application_list", fair.pk))
    page = response.content.decode()
    assert list(response.context["page"].object_list) == [own]
    assert own.producer.name in page and other.producer.name not in page
    assert "ไม่อนุมัติ" in page and "เอกสารไม่ครบ" in page
    assert 'name="district"' not in page


def test_staff_filter_the_list_by_status_district_category_type_and_find_by_number(client, staff):
    fair = open_fair()
    first = application_of(fair)
    food = application_of(
        fair, district=OTHER_DISTRICT, category="food", booth_type="FOOD", zones=("B",)
    )
    make_eligible(food, manager())
    client.force_login(staff)

    def found(**params):
        return list(client.get(_url("application_list", fair.pk), params).context["page"])

    assert found() == [first, food]
    assert found(status="eligible") == [food]
    assert found(district=OTHER_DISTRICT) == [food]
    assert found(category="textile") == [first]
    assert found(booth_type=fair.booth_types.get(code="FOOD").pk) == [food]
    assert found(q=str(food.number)) == [food]
    assert found(q=f"#{first.number}") == [first]
    assert found(q=first.producer.name) == [first]
    assert found(q="ไม่มีผู้ผลิตชื่อนี้") == []


def test_the_list_needs_the_same_queries_for_one_application_or_many(client, staff):
    fair = open_fair()
    application_of(fair)
    client.force_login(staff)
    client.get(_url("application_list", fair.pk))
    with CaptureQueriesContext(connection) as one:
        client.get(_url("application_list", fair.pk))
    for i in range(5):
        application = application_of(fair, district=OTHER_DISTRICT if i % 2 else OWN_DISTRICT)
        if i % 2:
            make_eligible(application, manager())
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url("application_list", fair.pk))
    assert len(response.context["page"].object_list) == 6
    assert len(many) == len(one)


def test_a_merged_producer_is_not_offered_and_is_pointed_to_the_kept_record(client, staff):
    fair = open_fair()
    kept = producer_with_products()
    merged = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT), name="กลุ่มซ้ำ")
    type(merged).objects.filter(pk=merged.pk).update(merged_into=kept)
    client.force_login(staff)
    assert "กลุ่มซ้ำ" not in _page(client, _url("apply", fair.pk))
    page = _page(client, _url("apply_for", fair.pk, merged.pk))
    assert _url("apply_for", fair.pk, kept.pk) in page and 'name="consent"' not in page


def test_the_fair_is_over_so_nothing_is_withdrawn(client, staff):
    fair = open_fair()
    application = application_of(fair)
    past = timezone.localdate() - timedelta(days=1)
    Fair.objects.filter(pk=fair.pk).update(
        applications_open_on=past - timedelta(days=60),
        applications_close_on=past - timedelta(days=40),
        starts_on=past - timedelta(days=5),
        ends_on=past,
    )
    client.force_login(staff)
    page = _page(client, _url("application_withdraw", application.pk))
    assert "งานสิ้นสุดแล้ว" in page and 'name="reason"' not in page
    assert _url("application_withdraw", application.pk) not in _page(
        client, _url("application_detail", application.pk)
    )


def test_no_application_page_has_inline_script_or_style(client, staff):
    """The CSP would block them; this finds them before a browser does."""
    fair = open_fair()
    application = application_of(fair, stars=4)
    producer = producer_with_products()
    client.force_login(staff)
    urls = [
        _url("apply", fair.pk),
        _url("apply_for", fair.pk, producer.pk),
        _url("application_list", fair.pk),
        _url("review_queue", fair.pk),
        *(
            _url(name, application.pk)
            for name in (
                "application_detail",
                "application_edit",
                "application_withdraw",
                "application_review",
            )
        ),
    ]
    for url in urls:
        page = _page(client, url)
        assert "css/fairs_applications.css" in page, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", page), url


def test_an_odd_number_searched_is_a_name_search_not_an_error(client, staff):
    from django.urls import reverse

    from tests.fairs.builders import make_fair

    fair = make_fair()
    client.force_login(staff)
    for odd in ("²", "9" * 5000):
        response = client.get(reverse("fairs:application_list", args=[fair.pk]), {"q": odd})
        assert response.status_code == 200
