"""The year-end allocation of the savings group's net profit (การจัดสรรกำไรสุทธิประจำปี).

The net profit is split into buckets by percentage (dividend, refund, reserve,
welfare, committee, network support); the dividend bucket is shared among the
members by unit-months, the refund bucket by loan interest paid. Every split is
made in whole satang and adds up exactly: a bucket is its share rounded down, and
the reserve takes what is left, so the parts always sum to the whole.

Pure functions on Decimals, no database: the preview page and the closing of the
year both call `allocate` and show or record its `Allocation`.
"""

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import TypeVar

from otop_portal.lib.money import SATANG, round_baht

K = TypeVar("K", bound=Hashable)

MONTHS = 12
BUCKETS = ("dividend", "refund", "reserve", "welfare", "committee", "network")
DEFAULT_PERCENTAGES = MappingProxyType(
    {
        "dividend": Decimal(60),
        "refund": Decimal(10),
        "reserve": Decimal(10),
        "welfare": Decimal(10),
        "committee": Decimal(5),
        "network": Decimal(5),
    }
)
_ZERO = Decimal("0.00")
_CONTEXT = Context(prec=28)  # unit-months are shown with this precision, whatever the caller's


def _number(value, what: str) -> Fraction:
    """A non-negative Decimal or int as an exact fraction; floats are refused."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal or an int, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} must be finite, not {value}")
    if value < 0:
        raise ValueError(f"{what} must not be negative, not {value}")
    return Fraction(value)


def _money(value, what: str, *, signed: bool = False) -> Decimal:
    """An amount in whole satang, as a Decimal with two places (ints are whole baht)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal or an int, not {type(value).__name__}")
    amount = round_baht(value)
    if amount != value:
        raise ValueError(f"{what} must be in whole satang, not {value}")
    if amount < 0 and not signed:
        raise ValueError(f"{what} must not be negative, not {value}")
    return amount


def _baht(satang: int) -> Decimal:
    return Decimal(satang) * SATANG


def _exact_shares(total, weights: Mapping[K, Decimal | int]):
    """(the total in satang, each exact weight, each exact share in satang)."""
    cents = int(_money(total, "the total") * 100)
    exact = {key: _number(weight, f"the weight of {key!r}") for key, weight in weights.items()}
    whole = sum(exact.values())
    shares = {
        key: cents * weight / whole if whole else Fraction(0) for key, weight in exact.items()
    }
    return cents, exact, shares


def split_floor(
    total: Decimal, weights: Mapping[K, Decimal | int]
) -> tuple[dict[K, Decimal], Decimal]:
    """Each key's exact share total × weight / Σ weights, rounded down to the satang,
    and the residue total − Σ shares (0 ≤ residue < one satang per key).

    Computed exactly (fractions), key by key, so the result does not depend on the
    order of the dict. Zero or no weights: every share is 0 and the residue is the
    total. A negative weight or total is refused (ValueError), a float (TypeError).
    """
    cents, _, shares = _exact_shares(total, weights)
    floors = {key: math.floor(share) for key, share in shares.items()}
    return {key: _baht(c) for key, c in floors.items()}, _baht(cents - sum(floors.values()))


def largest_remainder(total: Decimal, weights: Mapping[K, Decimal | int]) -> dict[K, Decimal]:
    """The total shared by weight in whole satang, summing exactly to the total.

    The largest-remainder rule: every key gets its share rounded down
    (`split_floor`), then the satang left over go one each to the keys with the
    largest fractional remainders. Ties go to the larger weight, then to the key
    that sorts first (ascending), so the result never depends on the dict order.
    A key with zero weight gets 0. All weights zero: the total must be 0 too
    (ValueError otherwise, there is nobody to give it to).
    """
    cents, exact, shares = _exact_shares(total, weights)
    floors = {key: math.floor(share) for key, share in shares.items()}
    leftover = cents - sum(floors.values())
    if leftover and not any(exact.values()):
        raise ValueError("a total cannot be shared by weights that are all zero")
    if leftover:
        ranked = sorted(shares, key=lambda key: (floors[key] - shares[key], -exact[key], key))
        for key in ranked[:leftover]:
            floors[key] += 1
    return {key: _baht(floors[key]) for key in weights}


@dataclass(frozen=True)
class MemberYear:
    """One member's accounting year, as the allocation needs it.

    month_end_pledged: the pledged-savings balance at each of the 12 month ends
    (0 before joining or after leaving); months_paid: whether that month's pledge
    was paid in full (False: in arrears, the month earns no dividend);
    interest_paid: loan interest paid during the year; late: a loan instalment was
    late this year (no refund).
    """

    saver_id: Hashable
    month_end_pledged: tuple[Decimal, ...]
    months_paid: tuple[bool, ...]
    interest_paid: Decimal
    late: bool

    def __post_init__(self):
        pledged = tuple(_money(b, "a month-end balance") for b in self.month_end_pledged)
        paid = tuple(self.months_paid)
        if len(pledged) != MONTHS or len(paid) != MONTHS:
            raise ValueError(f"a member's year has {MONTHS} month ends")
        if not all(isinstance(p, bool) for p in (*paid, self.late)):
            raise TypeError("months_paid and late are True or False")
        object.__setattr__(self, "month_end_pledged", pledged)
        object.__setattr__(self, "months_paid", paid)
        object.__setattr__(self, "interest_paid", _money(self.interest_paid, "interest paid"))

    @property
    def baht_months(self) -> Decimal:
        """Σ month-end balances of the months paid in full: unit-months × unit value."""
        return sum(
            (b for b, paid in zip(self.month_end_pledged, self.months_paid, strict=True) if paid),
            _ZERO,
        )

    def dividend_cap(self, rate_pa: Fraction) -> Decimal:
        """The average month-end balance × rate / 100, rounded down to the satang."""
        return _baht(math.floor(Fraction(sum(self.month_end_pledged)) * rate_pa / MONTHS))


@dataclass(frozen=True)
class MemberLine:
    """One member's row of the preview: weights and amounts; total = dividend + refund."""

    saver_id: Hashable
    unit_months: Decimal
    dividend: Decimal
    interest_paid: Decimal
    refund: Decimal
    total: Decimal = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "total", self.dividend + self.refund)


@dataclass(frozen=True)
class Allocation:
    """The allocation of one year's net profit.

    buckets are final, after the moves to the reserve reported here:
    dividend_capped_to_reserve (dividends above the cap), refund_to_reserve (nobody
    qualified for a refund), dividend_unearned_to_reserve (nobody earned a
    unit-month). loss is the absolute net loss when there was no profit.
    """

    net_profit: Decimal
    buckets: dict[str, Decimal]
    lines: list[MemberLine]
    dividend_capped_to_reserve: Decimal
    refund_to_reserve: Decimal
    loss: Decimal
    dividend_unearned_to_reserve: Decimal = _ZERO


def _percentages(percentages: Mapping[str, Decimal | int]) -> dict[str, Fraction]:
    if set(percentages) != set(BUCKETS):
        raise ValueError(f"the percentages are for exactly these buckets: {', '.join(BUCKETS)}")
    exact = {b: _number(percentages[b], f"the {b} percentage") for b in BUCKETS}
    if sum(exact.values()) != 100:
        raise ValueError(f"the percentages must sum to 100, not {sum(exact.values())}")
    return exact


def allocate(
    net_profit: Decimal,
    percentages: Mapping[str, Decimal | int],
    members: Sequence[MemberYear],
    unit_value: Decimal,
    max_dividend_rate_pa: Decimal | None = None,
) -> Allocation:
    """Allocate the year's net profit to the buckets and to every member.

    Buckets: each one but the reserve is net × percentage / 100 rounded down to the
    satang; the reserve is the rest. Dividend: shared by unit-months (Σ month-end
    balance / unit value over the months paid in full) by the largest-remainder
    rule; with max_dividend_rate_pa a member gets at most the average month-end
    balance × rate / 100 (rounded down), and the excess goes to the reserve.
    Refund: shared by loan interest paid, members with a late instalment excluded;
    if nobody qualifies (or nobody earned a unit-month) that bucket goes to the
    reserve.

    net_profit ≤ 0: nothing is allocated (every bucket and amount is 0) and `loss`
    is the loss; carrying a loss to the reserve is the caller's business.
    """
    net = _money(net_profit, "the net profit", signed=True)
    pct = _percentages(percentages)
    unit = _money(unit_value, "the unit value")
    if not unit:
        raise ValueError("the unit value must be positive")
    rate = None if max_dividend_rate_pa is None else _number(max_dividend_rate_pa, "the rate")
    members = sorted(members, key=lambda m: m.saver_id)
    if len({m.saver_id for m in members}) != len(members):
        raise ValueError("a saver appears twice among the members")

    buckets = dict.fromkeys(BUCKETS, _ZERO)
    dividends = {m.saver_id: _ZERO for m in members}
    refunds = dict(dividends)
    capped = unearned = to_reserve_refund = _ZERO
    if net > 0:
        cents = int(net * 100)
        for b in BUCKETS:
            if b != "reserve":
                buckets[b] = _baht(math.floor(cents * pct[b] / 100))
        buckets["reserve"] = net - sum(buckets.values())

        earned = {m.saver_id: m.baht_months for m in members}
        if any(earned.values()):
            dividends = largest_remainder(buckets["dividend"], earned)
        else:
            unearned = buckets["dividend"]
        if rate is not None:
            for m in members:
                cap = m.dividend_cap(rate)
                if dividends[m.saver_id] > cap:
                    capped += dividends[m.saver_id] - cap
                    dividends[m.saver_id] = cap

        interest = {m.saver_id: _ZERO if m.late else m.interest_paid for m in members}
        if any(interest.values()):
            refunds = largest_remainder(buckets["refund"], interest)
        else:
            to_reserve_refund = buckets["refund"]

        buckets["dividend"] -= capped + unearned
        buckets["refund"] -= to_reserve_refund
        buckets["reserve"] += capped + unearned + to_reserve_refund

    lines = [
        MemberLine(
            m.saver_id,
            _CONTEXT.divide(m.baht_months, unit),
            dividends[m.saver_id],
            m.interest_paid,
            refunds[m.saver_id],
        )
        for m in members
    ]
    if sum(buckets.values()) != max(net, _ZERO):
        raise AssertionError("the buckets do not sum to the net profit")
    if sum(line.dividend for line in lines) != buckets["dividend"]:
        raise AssertionError("the dividends do not sum to the dividend bucket")
    if sum(line.refund for line in lines) != buckets["refund"]:
        raise AssertionError("the refunds do not sum to the refund bucket")
    return Allocation(
        net_profit=net,
        buckets=buckets,
        lines=lines,
        dividend_capped_to_reserve=capped,
        refund_to_reserve=to_reserve_refund,
        loss=abs(min(net, _ZERO)),
        dividend_unearned_to_reserve=unearned,
    )
