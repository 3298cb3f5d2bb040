"""Network membership: renewals with gapless receipts, endings, the due list, letters."""

import threading
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import (
    MembershipPayment,
    MembershipStatus,
    NetworkMembership,
    NetworkSettings,
    fiscal_year_be,
)
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import ProducerFactory, sa_kaeo_district


def _membership(district=OWN_DISTRICT, **fields):
    producer = ProducerFactory(district=sa_kaeo_district(district), **fields)
    return NetworkMembership.objects.get(producer=producer)


def _set_fee(amount):
    # update_or_create: a transactional test empties the tables, settings row included
    NetworkSettings.objects.update_or_create(pk=1, defaults={"annual_fee": Decimal(amount)})


def test_the_fiscal_year_starts_on_1_october():
    assert fiscal_year_be(date(2025, 9, 30)) == 2568
    assert fiscal_year_be(date(2025, 10, 1)) == 2569


def test_renewing_without_a_fee_makes_the_member_active_to_the_years_end(staff):
    membership = _membership()
    payment = services.membership_renew(
        membership=membership, fiscal_year_be=2569, paid_on=date(2025, 11, 1), by=staff
    )
    membership.refresh_from_db()
    assert payment.amount == Decimal("0.00") and payment.receipt_no is None
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.valid_until == date(2026, 9, 30)
    assert membership.joined_on == date(2025, 11, 1)


def test_a_fee_gets_gapless_receipt_numbers(staff):
    _set_fee("100")
    first, second = _membership(), _membership()
    numbers = [
        services.membership_renew(
            membership=m, fiscal_year_be=2569, paid_on=date(2025, 11, 1), by=staff
        ).receipt_no
        for m in (first, second)
    ]
    assert numbers == ["2569/0001", "2569/0002"]
    assert MembershipPayment.objects.get(receipt_no="2569/0001").amount == Decimal("100.00")


def test_an_exempt_member_pays_nothing_and_gets_no_receipt(staff):
    _set_fee("100")
    membership = _membership()
    membership.fee_exempt = True
    membership.save()
    payment = services.membership_renew(
        membership=membership, fiscal_year_be=2569, paid_on=date(2025, 11, 1), by=staff
    )
    assert (payment.amount, payment.receipt_no) == (Decimal("0.00"), None)


def test_a_year_cannot_be_renewed_twice(staff):
    membership = _membership()
    services.membership_renew(
        membership=membership, fiscal_year_be=2569, paid_on=date(2025, 11, 1), by=staff
    )
    with pytest.raises(ValidationError, match="ต่ออายุสำหรับปีงบประมาณ 2569 แล้ว"):
        services.membership_renew(
            membership=membership, fiscal_year_be=2569, paid_on=date(2025, 11, 2), by=staff
        )
    assert MembershipPayment.objects.count() == 1


def test_a_failed_renewal_gives_its_receipt_number_back(staff, monkeypatch):
    _set_fee("100")
    membership = _membership()
    monkeypatch.setattr(
        NetworkMembership, "full_clean", lambda self: (_ for _ in ()).throw(ValidationError("boom"))
    )
    with pytest.raises(ValidationError):
        services.membership_renew(
            membership=membership, fiscal_year_be=2569, paid_on=date(2025, 11, 1), by=staff
        )
    monkeypatch.undo()
    payment = services.membership_renew(
        membership=membership, fiscal_year_be=2569, paid_on=date(2025, 11, 1), by=staff
    )
    assert payment.receipt_no == "2569/0001"


def test_renewals_are_never_changed_or_deleted(staff):
    membership = _membership()
    payment = services.membership_renew(
        membership=membership, fiscal_year_be=2569, paid_on=date(2025, 11, 1), by=staff
    )
    with pytest.raises(InternalError), transaction.atomic():
        MembershipPayment.objects.filter(pk=payment.pk).update(amount=Decimal("5"))
    with pytest.raises(InternalError), transaction.atomic():
        MembershipPayment.objects.filter(pk=payment.pk).delete()


def test_a_fee_without_a_receipt_is_refused_by_the_database(staff):
    membership = _membership()
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipPayment.objects.create(
            membership=membership,
            fiscal_year_be=2569,
            amount=Decimal("10"),
            paid_on=date(2025, 11, 1),
            recorded_by=staff,
        )


@pytest.mark.django_db(transaction=True)
def test_two_renewals_at_once_get_different_consecutive_numbers(geography):
    from tests.factories import UserFactory

    staff = UserFactory(staff=True)
    _set_fee("50")
    memberships = [_membership(), _membership()]
    numbers, barrier = [], threading.Barrier(2)

    def renew(membership):
        try:
            barrier.wait()
            payment = services.membership_renew(
                membership=membership, fiscal_year_be=2569, paid_on=date(2025, 11, 1), by=staff
            )
            numbers.append(payment.receipt_no)
        finally:
            connection.close()

    threads = [threading.Thread(target=renew, args=(m,)) for m in memberships]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == ["2569/0001", "2569/0002"]


def test_an_ended_membership_cannot_be_renewed(staff):
    membership = _membership()
    services.membership_end(
        membership=membership, status="resigned", on=date(2025, 12, 1), reason="เลิกกิจการ", by=staff
    )
    membership.refresh_from_db()
    assert membership.current_status() == MembershipStatus.RESIGNED
    with pytest.raises(ValidationError, match="สิ้นสุดแล้ว"):
        services.membership_renew(
            membership=membership, fiscal_year_be=2569, paid_on=date(2025, 12, 2), by=staff
        )


def test_a_district_member_renews_on_the_producer_page_and_gets_a_receipt(client, district_member):
    _set_fee("120")
    membership = _membership()
    client.force_login(district_member)
    year = fiscal_year_be(timezone.localdate())
    response = client.post(
        reverse("members:membership_renew", args=[membership.producer_id]),
        {"fiscal_year_be": str(year), "paid_on": "1/11/2568"},
    )
    payment = MembershipPayment.objects.get()
    assert response["Location"] == reverse("members:membership_receipt", args=[payment.pk])
    receipt = client.get(response["Location"]).content.decode()
    assert f"{year}/0001" in receipt
    assert "หนึ่งร้อยยี่สิบบาทถ้วน" in receipt
    assert "120.00 บาท" in receipt


def test_another_district_cannot_see_a_receipt(client, other_district_member, staff):
    _set_fee("10")
    payment = services.membership_renew(
        membership=_membership(), fiscal_year_be=2569, paid_on=date(2025, 11, 1), by=staff
    )
    client.force_login(other_district_member)
    url = reverse("members:membership_receipt", args=[payment.pk])
    assert client.get(url).status_code == 404


@time_machine.travel(datetime(2026, 11, 1, 10, 0, tzinfo=ZoneInfo("Asia/Bangkok")), tick=False)
def test_the_due_list_shows_pending_grace_and_lapsed_members_of_the_district(
    client, district_member
):
    states = {"ใช้งาน": date(2027, 9, 30), "ผ่อนผัน": date(2026, 9, 30), "ขาด": date(2025, 9, 30)}
    for name, valid_until in states.items():
        membership = _membership(name=name)
        membership.status, membership.joined_on = MembershipStatus.ACTIVE, date(2024, 11, 1)
        membership.valid_until = valid_until
        membership.save()
    _membership(name="รอ")
    _membership(district=OTHER_DISTRICT, name="อื่น")
    client.force_login(district_member)
    page = client.get(reverse("members:membership_due"))
    names = [producer.name for producer in page.context["page"]]
    assert sorted(names) == sorted(["ผ่อนผัน", "ขาด", "รอ"])
    letters = client.get(reverse("members:renewal_letters")).content.decode()
    assert letters.count('class="document letter"') == 3
    assert "อื่น" not in letters


def test_the_due_list_takes_the_same_queries_for_1_or_50_members(client, staff):
    client.force_login(staff)
    url = reverse("members:membership_due")
    _membership()
    client.get(url)

    def count():
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get(url)
            client.get(reverse("members:renewal_letters"))
        return len(queries)

    one = count()
    for _ in range(49):
        _membership()
    assert count() == one
