"""The pledged savings expected of a saver, summed a stretch at a time, equal the sum
month by month (the rule as the group's rules state it) over random pledges, policies,
admissions and departures."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from savings.services.collection import expected_through
from savings.services.savers import month_of

days = st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31))
values = st.sampled_from([Decimal("20.00"), Decimal("50.00"), Decimal("100.00")])


def _month_by_month(saver, last_month: date, pledges, policies) -> Decimal:
    if saver.decided_on is None or last_month < month_of(saver.decided_on):
        return Decimal("0")
    end = month_of(saver.left_on) if saver.left_on else last_month
    month, last, total = month_of(saver.decided_on), min(last_month, end), Decimal("0")
    while month <= last:
        units = 0
        for pledge in pledges:
            if pledge.from_month <= month:
                units = pledge.units
        value = policies[0].unit_value if policies else Decimal("50.00")
        for policy in policies:
            if policy.effective_from <= month:
                value = policy.unit_value
        total += units * value
        month += relativedelta(months=1)
    return total


@settings(max_examples=300, deadline=None)
@given(
    decided_on=days,
    left_on=st.none() | days,
    last_month=days,
    pledges=st.lists(
        st.tuples(days.map(month_of), st.integers(min_value=0, max_value=20)), max_size=5
    ),
    policies=st.lists(st.tuples(days, values), max_size=4),
)
def test_expected_by_stretches_equals_month_by_month(
    decided_on, left_on, last_month, pledges, policies
):
    saver = SimpleNamespace(decided_on=decided_on, left_on=left_on)
    pledges = [SimpleNamespace(from_month=m, units=u) for m, u in sorted(pledges)]
    policies = [SimpleNamespace(effective_from=d, unit_value=v) for d, v in sorted(policies)]
    expected = _month_by_month(saver, last_month, pledges, policies)
    got = expected_through(saver, last_month, pledges=pledges, policies=policies)
    assert got == expected
