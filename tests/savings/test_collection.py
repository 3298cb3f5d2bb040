"""The monthly collection sheet: every member of the district with this month's pledge
and the arrears carried; a whole sheet is recorded at once or not at all."""

from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from savings import services
from savings.models import EntryKind, JournalEntry, SaverAccount
from savings.services.collection import SheetRefused, collection_sheet, sheet_record
from tests.factories import sa_kaeo_district
from tests.savings.conftest import JOINED, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = Decimal


def test_the_sheet_lists_the_districts_members_with_the_month_and_arrears(
    treasurer, django_assert_max_num_queries
):
    paid_up = member(treasurer, units=2)
    behind = member(treasurer, units=4)
    member(treasurer, district="2706")  # another district: not on this sheet
    for month in range(3):
        on = JOINED + relativedelta(months=month)
        services.pledge_pay(saver=paid_up, amount=D("100"), on=on, by=treasurer)
    services.pledge_pay(saver=behind, amount=D("200"), on=JOINED, by=treasurer)
    # April's sheet: January to March were due
    with django_assert_max_num_queries(4):
        rows = collection_sheet(sa_kaeo_district("2701"), date(2025, 4, 1))
    assert [(r.saver, r.units, r.this_month, r.arrears) for r in rows] == [
        (paid_up, 2, D("100.00"), D("0.00")),
        (behind, 4, D("200.00"), D("400.00")),
    ]
    assert rows[1].expected == D("600.00")


def test_the_sheet_takes_the_same_queries_for_one_and_for_twenty_members(
    treasurer, django_assert_num_queries
):
    district = sa_kaeo_district("2701")
    member(treasurer)
    with django_assert_num_queries(3) as one:
        collection_sheet(district, date(2025, 4, 1))
    for _ in range(19):
        member(treasurer)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(collection_sheet(district, date(2025, 4, 1))) == 20


def test_a_sheet_is_recorded_whole_or_not_at_all(treasurer):
    first, second = member(treasurer), member(treasurer)
    on = date(2025, 2, 10)
    with pytest.raises(SheetRefused) as refused:
        sheet_record(
            rows={first: (D("100"), D("0")), second: (D("75"), D("0"))}, on=on, by=treasurer
        )
    assert list(refused.value.errors) == [second]
    assert "whole units" in refused.value.errors[second][0]
    assert not JournalEntry.objects.filter(kind=EntryKind.PLEDGE).exists()
    entries = sheet_record(
        rows={first: (D("100"), D("200")), second: (D("150"), D("0"))}, on=on, by=treasurer
    )
    assert len(entries) == 3
    assert SaverAccount.objects.get(saver=first).pledged == D("100.00")
    assert SaverAccount.objects.get(saver=second).pledged == D("150.00")


def test_pledges_paid_ahead_count_against_the_months_to_come(treasurer):
    ahead = member(treasurer, units=2)
    # January's pledge and February's paid in January
    services.pledge_pay(saver=ahead, amount=D("200"), on=JOINED, by=treasurer)
    february, march = (
        collection_sheet(sa_kaeo_district("2701"), date(2025, month, 1))[0] for month in (2, 3)
    )
    assert (february.arrears, february.ahead, february.expected, february.still_due) == (
        D("0"),
        D("100.00"),
        D("0"),
        D("0"),
    )
    assert (march.ahead, march.expected) == (D("0"), D("100.00"))
