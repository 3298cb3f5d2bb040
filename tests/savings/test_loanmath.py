"""The loan arithmetic: schedule, replay, fines, splits and payoff (pure, no database)."""

from calendar import monthrange
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override
from hypothesis import given, settings
from hypothesis import strategies as st

from otop_portal.lib.money import round_baht
from savings.loanmath import (
    LoanTerms,
    Payment,
    Split,
    aging_bucket,
    schedule,
    split,
    state,
)

D = Decimal


def twelve_thousand(**changes) -> LoanTerms:
    """12,000 baht at 1 % a month over 12 months, first due a month after disbursement."""
    values = {
        "principal": D("12000"),
        "monthly_rate_pct": D("1"),
        "term_months": 12,
        "disbursed_on": date(2024, 1, 1),
        "first_due": date(2024, 2, 1),
        "grace_days": 7,
        "fine_flat": D("50"),
        "fine_pct": D("1"),
    }
    return LoanTerms(**{**values, **changes})


# The schedule


def test_the_worked_example_by_hand():
    plan = schedule(D("12000"), D("1"), 12, date(2024, 2, 1))
    assert [i.number for i in plan] == list(range(1, 13))
    assert [i.principal for i in plan] == [D("1000.00")] * 12
    assert [i.interest for i in plan] == [D(n) for n in range(120, 0, -10)]
    assert sum(i.interest for i in plan) == D("780")
    assert plan[0].due_on == date(2024, 2, 1)
    assert plan[-1].due_on == date(2025, 1, 1)


def test_the_last_instalment_takes_the_rounding_remainder():
    plan = schedule(D("10000"), D("0"), 3, date(2024, 2, 1))
    assert [i.principal for i in plan] == [D("3333.33"), D("3333.33"), D("3333.34")]
    assert [i.interest for i in plan] == [D("0.00")] * 3


def test_interest_is_on_the_declining_scheduled_balance_rounded_half_up():
    plan = schedule(D("10000"), D("1.5"), 3, date(2024, 2, 1))
    # 10,000 × 1.5 % = 150; 6,666.67 × 1.5 % = 100.00005; 3,333.34 × 1.5 % = 50.0001
    assert [i.interest for i in plan] == [D("150.00"), D("100.00"), D("50.00")]


def test_due_dates_keep_the_day_of_the_month_or_take_the_months_last_day():
    plan = schedule(D("6000"), D("1"), 6, date(2024, 1, 31))
    assert [i.due_on for i in plan] == [
        date(2024, 1, 31),
        date(2024, 2, 29),  # leap year
        date(2024, 3, 31),  # back to the 31st
        date(2024, 4, 30),
        date(2024, 5, 31),
        date(2024, 6, 30),
    ]
    assert schedule(D("100"), D("0"), 2, date(2025, 1, 31))[1].due_on == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("principal", "term"),
    [(D("0"), 3), (D("-100"), 3), (D("100"), 0), (D("0.05"), 10), (D("100.001"), 2)],
)
def test_a_schedule_that_cannot_be_made_is_refused(principal, term):
    with pytest.raises(ValueError):
        schedule(principal, D("1"), term, date(2024, 2, 1))


# Replaying the loan


def test_paid_on_each_due_date_the_loan_follows_the_schedule_and_is_repaid():
    terms = twelve_thousand()
    payments = [Payment(i.due_on, i.principal + i.interest) for i in terms.instalments()]
    loan = state(terms, payments, date(2025, 6, 1))
    assert loan.interest_charged == loan.interest_paid == D("780")
    assert loan.principal_paid == D("12000")
    assert loan.is_repaid
    assert loan.payoff == 0
    assert loan.fines_charged == 0
    assert not loan.had_late_instalment
    assert loan.next_due_on is None
    assert loan.next_due_amount is None
    assert loan.aging_bucket == "current"


def test_a_payment_on_the_due_date_pays_that_instalments_interest():
    loan = state(twelve_thousand(), [Payment(date(2024, 2, 1), D("1120"))], date(2024, 2, 1))
    assert loan.splits == [Split(date(2024, 2, 1), D("1120"), D("0"), D("120"), D("1000"))]
    assert loan.days_overdue == 0
    assert loan.principal_overdue == 0
    assert loan.next_due_on == date(2024, 3, 1)
    assert loan.next_due_amount == D("1110")  # 1,000 + 1 % of 11,000


def test_a_payment_pays_fines_then_interest_then_principal():
    terms = twelve_thousand()
    payments = [Payment(date(2024, 2, 9), D("100")), Payment(date(2024, 2, 9), D("1500"))]
    loan = state(terms, payments, date(2024, 2, 9))
    # The fine of 9 Feb: 50 + 1 % of the unpaid 1,000 + 120.
    assert loan.splits == [
        Split(date(2024, 2, 9), D("100"), D("61.20"), D("38.80"), D("0")),
        Split(date(2024, 2, 9), D("1500"), D("0"), D("81.20"), D("1418.80")),
    ]
    assert loan.fines_outstanding == loan.interest_outstanding == 0
    assert loan.principal_outstanding == D("10581.20")


def test_a_late_instalment_is_fined_once_after_the_grace_period_and_never_compounded():
    terms = twelve_thousand()  # first due 1 Feb, 7 days' grace
    during_grace = state(terms, [], date(2024, 2, 8))
    assert during_grace.fines_charged == 0
    assert not during_grace.had_late_instalment

    after_grace = state(terms, [], date(2024, 2, 9))
    assert after_grace.fines_charged == D("61.20")
    assert after_grace.had_late_instalment

    # The same fine weeks later: no second fine, no fine on the fine.
    assert state(terms, [], date(2024, 3, 8)).fines_charged == D("61.20")

    # The second instalment, also unpaid, has its own one fine; interest is charged
    # on the principal only, never on the interest or the fines owed.
    later = state(terms, [], date(2024, 3, 9))
    assert later.fines_charged == D("122.40")  # 50 + 1 % of (1,000 + 120), twice
    assert later.interest_charged == D("240")
    assert later.payoff == D("122.40") + D("240") + D("12000")


def test_an_instalment_paid_within_the_grace_period_is_not_late():
    loan = state(twelve_thousand(), [Payment(date(2024, 2, 8), D("1120"))], date(2024, 6, 1))
    assert date(2024, 2, 1) not in loan.late_due_dates
    assert not loan.late_in_year(date(2024, 2, 1), date(2024, 2, 1))


def test_a_late_instalment_is_remembered_for_the_year_even_once_paid():
    payments = [Payment(date(2024, 2, 20), D("1181.20"))]  # fine 61.20 + 120 + 1,000
    loan = state(twelve_thousand(), payments, date(2024, 2, 20))
    assert loan.fines_paid == D("61.20")
    assert loan.days_overdue == 0
    assert loan.had_late_instalment
    assert loan.late_in_year(date(2024, 1, 1), date(2024, 12, 31))
    assert not loan.late_in_year(date(2025, 1, 1), date(2025, 12, 31))


def test_a_payment_on_the_disbursement_day_lowers_the_first_interest():
    loan = state(twelve_thousand(), [Payment(date(2024, 1, 1), D("2000"))], date(2024, 2, 1))
    assert loan.interest_charged == D("100")


def test_a_prepayment_lowers_the_interest_from_the_next_period_on():
    payments = [
        Payment(date(2024, 2, 1), D("1120")),  # on time
        Payment(date(2024, 2, 15), D("3000")),  # all principal, paid ahead
    ]
    loan = state(twelve_thousand(), payments, date(2024, 3, 1))
    # 1 Mar: the period began with 11,000 outstanding after 1 Feb, so 110.
    assert loan.interest_charged == D("120") + D("110")
    loan = state(twelve_thousand(), payments, date(2024, 4, 1))
    # 1 Apr: 8,000 outstanding after 1 Mar, so 80 instead of the scheduled 100.
    assert loan.interest_charged == D("120") + D("110") + D("80")
    # The principal paid ahead covers the next instalments' principal.
    assert loan.principal_overdue == 0
    assert loan.next_due_amount == D("0") + D("80")  # the 1 May principal is paid ahead


def test_after_maturity_interest_goes_on_on_the_principal_only_without_new_fines():
    terms = LoanTerms(
        principal=D("3000"),
        monthly_rate_pct=D("1"),
        term_months=3,
        disbursed_on=date(2024, 1, 1),
        first_due=date(2024, 2, 1),
        grace_days=0,
        fine_flat=D("10"),
        fine_pct=D("0"),
    )
    loan = state(terms, [], date(2024, 6, 1))
    # Due 1 Feb, 1 Mar, 1 Apr, then the virtual months 1 May and 1 Jun: 30 each.
    assert loan.interest_charged == D("150")
    assert loan.fines_charged == D("30")  # the three instalments only
    assert loan.principal_overdue == D("3000")
    assert loan.payoff == D("3180")
    assert loan.days_overdue == 121
    assert loan.aging_bucket == "over-90"
    assert loan.next_due_on == date(2024, 7, 1)
    assert loan.next_due_amount == D("30")

    payments = [Payment(date(2024, 6, 1), loan.payoff)]
    repaid = state(terms, payments, date(2024, 12, 31))
    assert repaid.is_repaid
    assert repaid.interest_charged == D("150")  # nothing more once the principal is paid
    assert repaid.days_overdue == 0
    assert repaid.next_due_on is None


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "current"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "over-90"),
    ],
)
def test_aging_buckets(days, bucket):
    assert aging_bucket(days) == bucket


def test_days_overdue_count_from_the_earliest_uncovered_due_date():
    terms = twelve_thousand()
    assert state(terms, [], date(2024, 2, 1)).aging_bucket == "current"
    assert state(terms, [], date(2024, 2, 2)).days_overdue == 1
    loan = state(terms, [], date(2024, 3, 3))
    assert (loan.days_overdue, loan.aging_bucket) == (31, "31-60")
    assert loan.principal_overdue == D("2000")


def test_paying_the_payoff_repays_the_loan():
    terms = twelve_thousand()
    on = date(2024, 5, 10)
    payoff = state(terms, [], on).payoff
    payments = [Payment(on, payoff)]
    assert split(terms, [], on, payoff).amount == payoff
    loan = state(terms, payments, on)
    assert loan.is_repaid
    assert loan.principal_outstanding == loan.payoff == 0
    assert state(terms, payments, date(2026, 1, 1)).is_repaid


# Refusals


def test_an_overpayment_is_refused_with_the_most_that_can_be_paid():
    terms = twelve_thousand()
    with override("th"), pytest.raises(ValidationError) as refused:
        split(terms, [], date(2024, 2, 1), D("12120.01"))
    assert "12,120.00 บาท" in refused.value.messages[0]
    with override("en"), pytest.raises(ValidationError) as refused:
        split(terms, [], date(2024, 2, 1), D("12120.01"))
    assert "At most 12,120.00 baht can be paid" in refused.value.messages[0]
    assert split(terms, [], date(2024, 2, 1), D("12120")).principal == D("12000")


@pytest.mark.parametrize("amount", [D("0"), D("-5"), D("10.005")])
def test_a_payment_of_nothing_or_of_a_part_of_a_satang_is_refused(amount):
    with pytest.raises(ValidationError):
        split(twelve_thousand(), [], date(2024, 2, 1), amount)


def test_state_refuses_an_invalid_payment():
    terms = twelve_thousand()
    with pytest.raises(ValueError):
        state(terms, [Payment(date(2024, 2, 1), D("12120.01"))], date(2024, 3, 1))
    with pytest.raises(ValueError):
        state(terms, [Payment(date(2023, 12, 31), D("100"))], date(2024, 3, 1))
    with pytest.raises(ValueError):
        state(terms, [Payment(date(2024, 2, 1), D("0"))], date(2024, 3, 1))


def test_floats_are_refused():
    with pytest.raises(TypeError):
        schedule(12000.0, D("1"), 12, date(2024, 2, 1))
    with pytest.raises(TypeError):
        schedule(D("12000"), 1.0, 12, date(2024, 2, 1))
    with pytest.raises(TypeError):
        twelve_thousand(principal=12000.0)
    with pytest.raises(TypeError):
        twelve_thousand(fine_pct=1.5)
    with pytest.raises(TypeError):
        Payment(date(2024, 2, 1), 100.0)
    with pytest.raises(TypeError):
        split(twelve_thousand(), [], date(2024, 2, 1), 100.0)


def test_whole_baht_ints_work_like_decimals():
    assert twelve_thousand(principal=12000, fine_flat=50) == twelve_thousand()
    assert Payment(date(2024, 2, 1), 1120).amount == D("1120.00")


# Properties

START = date(2024, 1, 1)

loan_terms = st.builds(
    lambda principal, rate, term, to_first_due, grace, flat, pct: LoanTerms(
        principal=D(principal) / 100,
        monthly_rate_pct=D(rate) / 100,
        term_months=term,
        disbursed_on=START,
        first_due=START + timedelta(days=to_first_due),
        grace_days=grace,
        fine_flat=D(flat),
        fine_pct=D(pct) / 10,
    ),
    principal=st.integers(1_000_00, 200_000_00),
    rate=st.integers(0, 300),
    term=st.integers(1, 24),
    to_first_due=st.integers(1, 45),
    grace=st.integers(0, 15),
    flat=st.integers(0, 200),
    pct=st.integers(0, 50),
)


@settings(max_examples=150, deadline=None)
@given(terms=loan_terms, data=st.data())
def test_random_payments_keep_the_books_straight(terms, data):
    offsets = data.draw(st.lists(st.integers(0, 900), max_size=10), label="payment days")
    payments: list[Payment] = []
    for on in sorted(START + timedelta(days=offset) for offset in offsets):
        payoff = state(terms, payments, on).payoff
        if payoff == 0:
            break
        satang = data.draw(st.integers(1, int(payoff * 100)), label="satang")
        amount = D(satang) / 100
        expected = split(terms, payments, on, amount)
        payments.append(Payment(on, amount))
        applied = state(terms, payments, on)
        assert applied.splits[-1] == expected
        assert applied.principal_outstanding >= 0

    as_of = START + timedelta(days=data.draw(st.integers(0, 1200), label="as of"))
    loan = state(terms, payments, as_of)
    for part in loan.splits:
        assert part.fine + part.interest + part.principal == part.amount
        assert min(part.fine, part.interest, part.principal) >= 0
    assert loan.principal_outstanding >= 0
    assert loan.principal_paid + loan.principal_outstanding == terms.principal
    assert loan.principal_paid == sum((s.principal for s in loan.splits), D(0))
    assert loan.interest_charged >= loan.interest_paid
    assert loan.fines_charged >= loan.fines_paid
    assert loan.payoff == (
        loan.fines_outstanding + loan.interest_outstanding + loan.principal_outstanding
    )
    largest = max(i.principal for i in terms.instalments())
    most_interest = round_baht(terms.principal * terms.monthly_rate_pct / 100)
    max_fine = round_baht(terms.fine_flat + terms.fine_pct / 100 * (largest + most_interest))
    assert loan.fines_charged <= terms.term_months * max_fine
    assert loan.is_repaid == (loan.payoff == 0)
    assert loan.aging_bucket == aging_bucket(loan.days_overdue)


@settings(max_examples=200, deadline=None)
@given(
    principal=st.integers(1_00, 1_000_000_00),
    rate=st.integers(0, 500),
    term=st.integers(1, 60),
    first_due=st.dates(date(2000, 1, 1), date(2090, 12, 31)),
)
def test_a_schedule_adds_up_to_the_loan(principal, rate, term, first_due):
    amount = D(principal) / 100
    try:
        plan = schedule(amount, D(rate) / 100, term, first_due)
    except ValueError:
        # Only when rounding up term-1 instalments leaves nothing for the last one.
        assert amount < D("0.005") * term * term
        return
    assert sum(i.principal for i in plan) == amount
    assert all(i.principal > 0 and i.interest >= 0 for i in plan)
    assert all(a.due_on < b.due_on for a, b in pairwise(plan))
    for instalment in plan:
        due_on = instalment.due_on
        assert due_on.day == min(first_due.day, monthrange(due_on.year, due_on.month)[1])
