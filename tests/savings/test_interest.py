"""Interest on deposits: the daily balance over the half-year, credited once."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from savings import services
from savings.models import EntryKind, JournalEntry, SaverAccount
from savings.services.interest import deposit_interest, deposit_interest_post
from tests.savings.conftest import JOINED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = Decimal


def test_interest_is_on_the_daily_balance_and_credited_once(treasurer, saver):
    services.deposit(saver=saver, amount=D("10000"), on=JOINED, by=treasurer)  # 10 Jan
    services.deposit(saver=saver, amount=D("5000"), on=date(2025, 4, 1), by=treasurer)
    # 10,000 × 81 days (10 Jan – 31 Mar) + 15,000 × 91 days (1 Apr – 30 Jun)
    # = 2,175,000 baht-days × 0.5 % / 365 = 29.794… → 29.79
    assert deposit_interest(date(2025, 6, 30)) == {saver.pk: D("29.79")}
    entry = deposit_interest_post(period_end=date(2025, 6, 30), by=treasurer)
    assert entry.kind == EntryKind.DEPOSIT_INTEREST and entry.on == date(2025, 6, 30)
    assert SaverAccount.objects.get(saver=saver).deposits == D("15029.79")
    with pytest.raises(ValidationError, match="already credited"):
        deposit_interest_post(period_end=date(2025, 6, 30), by=treasurer)
    # the second half-year counts the interest credited as part of the balance
    assert deposit_interest(date(2025, 12, 31)) == {saver.pk: D("37.88")}


def test_interest_is_credited_only_at_the_half_years_end(treasurer):
    with pytest.raises(ValidationError, match="30 June and 31 December"):
        deposit_interest_post(period_end=date(2025, 5, 31), by=treasurer)
    assert not JournalEntry.objects.exists()
