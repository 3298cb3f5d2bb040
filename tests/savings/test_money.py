"""Members' money: applications, pledges in whole units, deposits, withdrawals (the
available balance never below zero, under concurrent withdrawals too; a second
approver above the threshold), collectors' cash handed over, and one-time keys."""

import threading
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.utils import translation

from savings import services
from savings.models import (
    EntryKind,
    JournalEntry,
    Role,
    SaverAccount,
    SaverStatus,
    Withdrawal,
    WithdrawalStatus,
)
from tests.factories import PersonFactory, UserFactory
from tests.savings.conftest import JOINED, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
ON = date(2025, 2, 5)


def _balances(saver):
    return SaverAccount.objects.get(saver=saver)


# --- Applications ----------------------------------------------------------------------------


def test_an_application_is_admitted_with_a_member_number_and_the_entry_fee(treasurer):
    person = PersonFactory()
    saver = services.saver_apply(
        person=person,
        units=4,
        applied_on=JOINED,
        by=treasurer,
        occupation="ทอผ้า",
        beneficiaries=[
            services.BeneficiaryData("นายสมชาย ทดสอบ", "สามี", Decimal("60")),
            services.BeneficiaryData("ด.ญ.มะลิ ทดสอบ", "บุตร", Decimal("40")),
        ],
    )
    assert saver.status == SaverStatus.APPLIED and saver.member_number is None
    saver = services.saver_decide(
        saver=saver, admit=True, decided_on=JOINED, meeting_number="1/2568", by=treasurer
    )
    assert (saver.status, saver.member_number) == (SaverStatus.ACTIVE, 1)
    fee = JournalEntry.objects.get(kind=EntryKind.ENTRY_FEE)
    assert fee.document_number.startswith("RC") and fee.lines.get(credit__gt=0).credit == 20
    assert services.pledge_units(saver, date(2025, 1, 1)) == 4
    second = member(treasurer)
    assert second.member_number == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"units": 21}, "between 1 and 20"),
        ({"units": 0}, "between 1 and 20"),
        (
            {"beneficiaries": [services.BeneficiaryData("ก", "บุตร", Decimal("50"))]},
            "add up to 100",
        ),
        (
            {"beneficiaries": [services.BeneficiaryData("ก", "บุตร", Decimal("25"))] * 4},
            "at most three",
        ),
    ],
)
def test_a_bad_application_is_refused_and_nothing_is_written(treasurer, kwargs, message):
    person = PersonFactory()
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        services.saver_apply(
            person=person, applied_on=JOINED, by=treasurer, **{"units": 2, **kwargs}
        )
    assert not person.savers.exists()


def test_a_minor_or_a_person_already_in_the_group_is_refused(treasurer, saver):
    child = PersonFactory(birth_date=date(2010, 5, 1))
    with pytest.raises(ValidationError, match="18"):
        services.saver_apply(person=child, units=1, applied_on=JOINED, by=treasurer)
    with translation.override("en"), pytest.raises(ValidationError, match="already"):
        services.saver_apply(person=saver.person, units=1, applied_on=JOINED, by=treasurer)


def test_a_refusal_needs_a_reason(treasurer):
    saver = services.saver_apply(person=PersonFactory(), units=1, applied_on=JOINED, by=treasurer)
    with pytest.raises(ValidationError):
        services.saver_decide(
            saver=saver, admit=False, decided_on=JOINED, meeting_number="1/2568", by=treasurer
        )
    saver = services.saver_decide(
        saver=saver,
        admit=False,
        decided_on=JOINED,
        meeting_number="1/2568",
        by=treasurer,
        note="ไม่ใช่สมาชิกเครือข่าย",
    )
    assert saver.status == SaverStatus.REJECTED and saver.member_number is None


def test_a_district_treasurer_records_only_their_own_district(
    district_treasurer, other_district_treasurer, treasurer
):
    own = member(district_treasurer)
    assert own.district_id == district_treasurer.district_id
    with pytest.raises(PermissionDenied):
        services.deposit(saver=own, amount=Decimal("100"), on=ON, by=other_district_treasurer)
    with pytest.raises(PermissionDenied):
        services.saver_apply(person=PersonFactory(), units=1, applied_on=JOINED, by=UserFactory())


# --- Pledges, deposits, withdrawals ----------------------------------------------------------


def test_pledged_savings_come_in_whole_units_and_cannot_be_withdrawn(treasurer, saver):
    with translation.override("en"), pytest.raises(ValidationError, match="whole units"):
        services.pledge_pay(saver=saver, amount=Decimal("75"), on=ON, by=treasurer)
    services.pledge_pay(saver=saver, amount=Decimal("100"), on=ON, by=treasurer)
    assert _balances(saver).pledged == 100
    with translation.override("en"), pytest.raises(ValidationError, match=r"At most 0\.00"):
        services.withdraw(saver=saver, amount=Decimal("50"), on=ON, by=treasurer)


def test_a_deposit_account_opens_with_the_minimum_and_keeps_it(treasurer, saver):
    with translation.override("en"), pytest.raises(ValidationError, match=r"at least 100\.00"):
        services.deposit(saver=saver, amount=Decimal("50"), on=ON, by=treasurer)
    services.deposit(saver=saver, amount=Decimal("500"), on=ON, by=treasurer)
    with translation.override("en"), pytest.raises(ValidationError, match="Keep at least"):
        services.withdraw(saver=saver, amount=Decimal("450"), on=ON, by=treasurer)
    withdrawal = services.withdraw(saver=saver, amount=Decimal("500"), on=ON, by=treasurer)
    assert withdrawal.status == WithdrawalStatus.PAID
    assert withdrawal.entry.document_number.startswith("PV")
    assert _balances(saver).deposits == 0


def test_a_large_withdrawal_is_held_until_a_second_person_approves(treasurer, approver, saver):
    services.deposit(saver=saver, amount=Decimal("9000"), on=ON, by=treasurer)
    withdrawal = services.withdraw(saver=saver, amount=Decimal("6000"), on=ON, by=treasurer)
    assert withdrawal.status == WithdrawalStatus.PENDING and withdrawal.entry is None
    balances = _balances(saver)
    assert (balances.deposits, balances.held, balances.withdrawable) == (9000, 6000, 3000)
    with translation.override("en"), pytest.raises(ValidationError, match=r"At most 3,000\.00"):
        services.withdraw(saver=saver, amount=Decimal("3500"), on=ON, by=treasurer)
    with pytest.raises(ValidationError, match="cannot approve"):
        services.withdrawal_decide(withdrawal=withdrawal, approve=True, by=treasurer)
    later = ON + timedelta(days=3)
    withdrawal = services.withdrawal_decide(
        withdrawal=withdrawal, approve=True, by=approver, on=later
    )
    balances = _balances(saver)
    assert (balances.deposits, balances.held) == (3000, 0)
    assert withdrawal.entry.approved_by == approver
    # paid out on the day of the approval; the request keeps the day it was asked
    assert (withdrawal.entry.on, withdrawal.requested_on) == (later, ON)


def test_a_refused_withdrawal_releases_the_hold(treasurer, approver, saver):
    services.deposit(saver=saver, amount=Decimal("9000"), on=ON, by=treasurer)
    withdrawal = services.withdraw(saver=saver, amount=Decimal("6000"), on=ON, by=treasurer)
    services.withdrawal_decide(
        withdrawal=withdrawal, approve=False, by=approver, note="ขอดูหลักฐานก่อน"
    )
    assert _balances(saver).held == 0


def test_the_database_refuses_more_held_than_saved(treasurer, saver):
    services.deposit(saver=saver, amount=Decimal("1000"), on=ON, by=treasurer)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Withdrawal.objects.create(
            saver=saver, amount=Decimal("1500"), requested_on=ON, requested_by=treasurer
        )


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_withdrawals_never_take_the_balance_below_zero(geography):
    treasurer = UserFactory(staff=True, username="race-treasurer")
    saver = member(treasurer)
    services.deposit(saver=saver, amount=Decimal("1000"), on=ON, by=treasurer)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def attempt():
        try:
            barrier.wait()
            with translation.override("en"):
                services.withdraw(saver=saver, amount=Decimal("300"), on=ON, by=treasurer)
            outcomes.append("paid")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        except Exception as error:
            outcomes.append(f"error: {error!r}")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("paid") == 3, outcomes
    refused = [o for o in outcomes if o != "paid"]
    assert all(o.startswith(("At most", "Keep at least")) for o in refused), outcomes
    assert _balances(saver).deposits == Decimal("100.00")


# --- Collectors and the treasurer --------------------------------------------------------------


def test_a_collectors_cash_is_handed_over_and_recorded(district_treasurer, treasurer):
    saver = member(district_treasurer)  # the entry fee stays with the collector
    services.pledge_pay(saver=saver, amount=Decimal("100"), on=ON, by=district_treasurer)
    assert services.collector_cash(district_treasurer) == Decimal("120.00")
    with translation.override("en"), pytest.raises(ValidationError, match=r"holds 120\.00"):
        services.handover(collector=district_treasurer, amount=Decimal("200"), on=ON, by=treasurer)
    entry = services.handover(
        collector=district_treasurer, amount=Decimal("120"), on=ON, by=treasurer
    )
    assert services.collector_cash(district_treasurer) == 0
    assert services.balance(services.account(Role.CASH)) == Decimal("120.00")
    line = entry.lines.get(collector__isnull=False)
    assert (line.collector, line.credit, entry.created_by, entry.on) == (
        district_treasurer,
        Decimal("120.00"),
        treasurer,
        ON,
    )


# --- One-time keys ------------------------------------------------------------------------------


def test_the_same_key_posts_once_and_another_amount_is_refused(treasurer, saver):
    key = uuid.uuid4()

    def post(amount):
        return services.once(
            key=key,
            action="deposit",
            payload={"saver": saver.pk, "amount": str(amount)},
            by=treasurer,
            run=lambda: services.deposit(saver=saver, amount=amount, on=ON, by=treasurer),
        )

    first, created = post(Decimal("500"))
    again, created_again = post(Decimal("500"))
    assert created and not created_again and again == first
    with pytest.raises(services.KeyReused):
        post(Decimal("600"))
    assert JournalEntry.objects.filter(kind=EntryKind.DEPOSIT).count() == 1
    assert _balances(saver).deposits == 500


@pytest.mark.django_db(transaction=True)
def test_a_double_click_racing_with_one_key_posts_once(geography):
    treasurer = UserFactory(staff=True, username="click-treasurer")
    saver = member(treasurer)
    key = uuid.uuid4()
    barrier = threading.Barrier(4)
    results: list = []

    def click():
        try:
            barrier.wait()
            entry, _created = services.once(
                key=key,
                action="deposit",
                payload={"saver": saver.pk, "amount": "500"},
                by=treasurer,
                run=lambda: services.deposit(
                    saver=saver, amount=Decimal("500"), on=ON, by=treasurer
                ),
            )
            results.append(entry.pk)
        except Exception as error:
            results.append(f"error: {error!r}")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    assert JournalEntry.objects.filter(kind=EntryKind.DEPOSIT).count() == 1


def test_member_numbers_come_from_a_locked_counter_and_a_rollback_gives_one_back(treasurer):
    from django.db import transaction

    first = member(treasurer)
    applied = services.saver_apply(person=PersonFactory(), units=1, applied_on=JOINED, by=treasurer)
    with transaction.atomic():
        services.saver_decide(
            saver=applied, admit=True, decided_on=JOINED, meeting_number="1/2568", by=treasurer
        )
        transaction.set_rollback(True)
    second = member(treasurer)
    assert (first.member_number, second.member_number) == (1, 2)
