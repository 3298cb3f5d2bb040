"""The year-end allocation of net profit: pure arithmetic, no database."""

import random
from decimal import Decimal
from operator import attrgetter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from savings.allocation import (
    BUCKETS,
    DEFAULT_PERCENTAGES,
    MemberYear,
    allocate,
    largest_remainder,
    split_floor,
)

D = Decimal
UNIT = D("100.00")


def member(saver_id, balances, *, unpaid=(), interest="0.00", late=False):
    """A member's year; `unpaid` lists the months (1-12) in arrears."""
    return MemberYear(
        saver_id=saver_id,
        month_end_pledged=tuple(D(b) for b in balances),
        months_paid=tuple(month not in unpaid for month in range(1, 13)),
        interest_paid=D(interest),
        late=late,
    )


# The headline year: unit value 100 baht, net profit 12,345.67 baht.
#
# Buckets (each but the reserve = net × % rounded down; the reserve takes the rest):
#   dividend  60 %: 7,407.402   → 7,407.40
#   refund    10 %: 1,234.567   → 1,234.56
#   welfare   10 %: 1,234.567   → 1,234.56
#   committee  5 %:   617.2835  →   617.28
#   network    5 %:   617.2835  →   617.28
#   reserve = 12,345.67 − 11,111.08 = 1,234.59
#
# Unit-months (balance / 100 summed over the months paid in full):
#   1 A  saves 100 a month all year: 1+2+…+12                        =  78
#   2 B  5,000 all year: 50 × 12                                     = 600
#   3 C  joins in April, saves 300 a month: 3+6+…+27 (9 months)      = 135
#   4 D  2,000 for 8 months, leaves at the end of August: 20 × 8     = 160
#   5 E  1,500 all year, May and June in arrears: 15 × 10            = 150
#   6 F  joins in July with 700: 7 × 6                               =  42
#   7 G  250 all year: 2.5 × 12                                      =  30
#   total                                                            1,195
# Dividend shares, 7,407.40 × unit-months / 1,195:
#      exact            floor     remainder (satang)
#   A    483.49556…     483.49    0.556
#   B  3,719.19665…   3,719.19    0.665  +1
#   C    836.81925…     836.81    0.925  +1
#   D    991.78577…     991.78    0.577  +1
#   E    929.79916…     929.79    0.916  +1
#   F    260.34377…     260.34    0.377
#   G    185.95983…     185.95    0.983  +1
#   Σ floors 7,407.35: 5 satang left, to the five largest remainders
#   (G, C, E, B, D); A and F keep their floor.
#
# Refund by interest paid; G (410.00 paid) had a late instalment and gets none,
# A and F have no loan: Σ = 1,250.00 + 333.33 + 780.50 + 95.25 = 2,459.08.
# Refund shares, 1,234.56 × interest / 2,459.08:
#      exact           floor    remainder (satang)
#   B  627.55177…      627.55   0.177
#   C  167.34546…      167.34   0.546  +1
#   D  391.84332…      391.84   0.332
#   E   47.81944…       47.81   0.944  +1
#   Σ floors 1,234.54: 2 satang left, to E and C.
HEADLINE_MEMBERS = [
    member(7, [250] * 12, interest="410.00", late=True),
    member(1, [100 * m for m in range(1, 13)]),
    member(2, [5000] * 12, interest="1250.00"),
    member(3, [0, 0, 0] + [300 * m for m in range(1, 10)], interest="333.33"),
    member(4, [2000] * 8 + [0] * 4, interest="780.50"),
    member(5, [1500] * 12, unpaid=(5, 6), interest="95.25"),
    member(6, [0] * 6 + [700] * 6),
]
HEADLINE_LINES = [
    # saver, unit-months, dividend, interest paid, refund, total
    (1, D(78), D("483.49"), D("0.00"), D("0.00"), D("483.49")),
    (2, D(600), D("3719.20"), D("1250.00"), D("627.55"), D("4346.75")),
    (3, D(135), D("836.82"), D("333.33"), D("167.35"), D("1004.17")),
    (4, D(160), D("991.79"), D("780.50"), D("391.84"), D("1383.63")),
    (5, D(150), D("929.80"), D("95.25"), D("47.82"), D("977.62")),
    (6, D(42), D("260.34"), D("0.00"), D("0.00"), D("260.34")),
    (7, D(30), D("185.96"), D("410.00"), D("0.00"), D("185.96")),
]


def test_the_headline_year_to_the_satang():
    result = allocate(D("12345.67"), DEFAULT_PERCENTAGES, HEADLINE_MEMBERS, UNIT)

    assert result.buckets == {
        "dividend": D("7407.40"),
        "refund": D("1234.56"),
        "reserve": D("1234.59"),
        "welfare": D("1234.56"),
        "committee": D("617.28"),
        "network": D("617.28"),
    }
    assert sum(result.buckets.values()) == result.net_profit == D("12345.67")
    row = attrgetter("saver_id", "unit_months", "dividend", "interest_paid", "refund", "total")
    got = [row(line) for line in result.lines]
    assert got == HEADLINE_LINES  # sorted by saver, every amount to the satang
    assert sum(line.dividend for line in result.lines) == D("7407.40")
    assert sum(line.refund for line in result.lines) == D("1234.56")
    assert result.dividend_capped_to_reserve == result.refund_to_reserve == result.loss == 0


def test_dict_orders_and_member_orders_do_not_matter():
    shuffled = HEADLINE_MEMBERS[::-1]
    percentages = dict(reversed(DEFAULT_PERCENTAGES.items()))
    assert allocate(D("12345.67"), percentages, shuffled, UNIT) == allocate(
        D("12345.67"), DEFAULT_PERCENTAGES, HEADLINE_MEMBERS, UNIT
    )


# -- split_floor and largest_remainder ----------------------------------------------------


def test_split_floor_rounds_down_and_returns_the_residue():
    shares, residue = split_floor(D("10.00"), {"a": 1, "b": 1, "c": 1})
    assert shares == {"a": D("3.33"), "b": D("3.33"), "c": D("3.33")}
    assert residue == D("0.01")
    shares, residue = split_floor(D("100.00"), {"x": D("0.5"), "y": D("1.5")})
    assert shares == {"x": D("25.00"), "y": D("75.00")}
    assert residue == 0


def test_zero_or_no_weights_leave_everything_as_residue():
    assert split_floor(D("5.00"), {"a": 0, "b": D(0)}) == ({"a": 0, "b": 0}, D("5.00"))
    assert split_floor(D("5.00"), {}) == ({}, D("5.00"))
    assert largest_remainder(D("0.00"), {"a": 0}) == {"a": D("0.00")}
    with pytest.raises(ValueError, match="all zero"):
        largest_remainder(D("5.00"), {"a": 0, "b": 0})
    with pytest.raises(ValueError, match="all zero"):
        largest_remainder(D("5.00"), {})


def test_a_zero_weight_gets_nothing_even_with_satang_left_over():
    assert largest_remainder(D("0.10"), {"a": 0, "b": 1, "c": 2}) == {
        "a": D("0.00"),
        "b": D("0.03"),
        "c": D("0.07"),  # 3.33 and 6.67 satang: the larger remainder gets the satang
    }


def test_ties_go_to_the_larger_weight_then_to_the_first_key():
    # 10 satang by 1 : 3 → 2.5 and 7.5 satang, equal remainders: the larger weight wins
    assert largest_remainder(D("0.10"), {"a": 1, "b": 3}) == {"a": D("0.02"), "b": D("0.08")}
    assert largest_remainder(D("0.10"), {"b": 1, "a": 3}) == {"b": D("0.02"), "a": D("0.08")}
    # equal weights: the key that sorts first wins
    assert largest_remainder(D("10.00"), {"c": 1, "b": 1, "a": 1}) == {
        "a": D("3.34"),
        "b": D("3.33"),
        "c": D("3.33"),
    }
    assert largest_remainder(D("0.02"), {3: 1, 1: 1, 2: 1}) == {1: D("0.01"), 2: D("0.01"), 3: 0}


@pytest.mark.parametrize("split", [split_floor, largest_remainder])
def test_negative_weights_and_totals_and_floats_are_refused(split):
    with pytest.raises(ValueError, match="negative"):
        split(D("10.00"), {"a": 1, "b": -1})
    with pytest.raises(ValueError, match="negative"):
        split(D("-10.00"), {"a": 1})
    with pytest.raises(ValueError, match="whole satang"):
        split(D("10.005"), {"a": 1})
    with pytest.raises(TypeError):
        split(10.0, {"a": 1})
    with pytest.raises(TypeError):
        split(D("10.00"), {"a": 0.5})


weights_strategy = st.dictionaries(
    st.integers(0, 50),
    st.one_of(st.integers(0, 10**6), st.integers(0, 10**8).map(lambda n: D(n).scaleb(-3))),
    max_size=12,
)
cents_strategy = st.integers(0, 10**9).map(lambda c: D(c).scaleb(-2))


@settings(max_examples=200, deadline=None)
@given(total=cents_strategy, weights=weights_strategy, seed=st.integers(0, 2**32))
def test_splits_sum_exactly_and_ignore_the_order(total, weights, seed):
    keys = list(weights)
    random.Random(seed).shuffle(keys)
    shuffled = {key: weights[key] for key in keys}
    whole = sum(weights.values())

    shares, residue = split_floor(total, weights)
    assert (shares, residue) == split_floor(total, shuffled)
    assert sum(shares.values()) + residue == total
    if whole:
        assert 0 <= residue < len(weights) * D("0.01")
    else:
        assert residue == total

    if not whole and total:
        return
    exact = largest_remainder(total, weights)
    assert exact == largest_remainder(total, shuffled)
    assert sum(exact.values()) == total
    for key, amount in exact.items():
        assert amount.as_tuple().exponent == -2
        assert amount - shares[key] in (0, D("0.01"))
        if not weights[key]:
            assert amount == 0


# -- allocate: refusals and special years ---------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [{"dividend": D(61)}, {"network": D("4.99")}, {"reserve": D(-10), "dividend": D(80)}],
)
def test_percentages_must_sum_to_100_and_not_be_negative(change):
    with pytest.raises(ValueError):
        allocate(D("100.00"), {**DEFAULT_PERCENTAGES, **change}, HEADLINE_MEMBERS, UNIT)


def test_percentages_name_exactly_the_six_buckets():
    missing = {b: p for b, p in DEFAULT_PERCENTAGES.items() if b != "network"}
    with pytest.raises(ValueError, match="exactly"):
        allocate(D("100.00"), {**missing, "reserve": D(15)}, HEADLINE_MEMBERS, UNIT)


def test_other_percentages_are_honoured():
    percentages = {b: D(0) for b in BUCKETS} | {"dividend": D("33.33"), "reserve": D("66.67")}
    result = allocate(D("1.00"), percentages, HEADLINE_MEMBERS, UNIT)
    assert result.buckets["dividend"] == D("0.33")
    assert result.buckets["reserve"] == D("0.67")
    assert result.refund_to_reserve == 0  # the refund bucket was 0 to begin with


def test_floats_are_refused_everywhere():
    with pytest.raises(TypeError):
        allocate(12345.67, DEFAULT_PERCENTAGES, HEADLINE_MEMBERS, UNIT)
    with pytest.raises(TypeError):
        allocate(D("100.00"), {**DEFAULT_PERCENTAGES, "dividend": 60.0}, HEADLINE_MEMBERS, UNIT)
    with pytest.raises(TypeError):
        allocate(D("100.00"), DEFAULT_PERCENTAGES, HEADLINE_MEMBERS, 100.0)
    with pytest.raises(TypeError):
        allocate(D("100.00"), DEFAULT_PERCENTAGES, HEADLINE_MEMBERS, UNIT, max_dividend_rate_pa=5.0)
    with pytest.raises(TypeError):
        MemberYear(1, (100.0,) * 12, (True,) * 12, D(0), False)
    with pytest.raises(TypeError):
        MemberYear(1, (D(100),) * 12, (True,) * 12, 12.5, False)


def test_a_member_year_has_twelve_months_and_savers_are_unique():
    with pytest.raises(ValueError, match="12"):
        MemberYear(1, (D(100),) * 11, (True,) * 11, D(0), False)
    with pytest.raises(ValueError, match="twice"):
        allocate(D("100.00"), DEFAULT_PERCENTAGES, [member(1, [100] * 12)] * 2, UNIT)
    with pytest.raises(ValueError, match="positive"):
        allocate(D("100.00"), DEFAULT_PERCENTAGES, HEADLINE_MEMBERS, D(0))


@pytest.mark.parametrize(("net", "loss"), [(D("-500.25"), D("500.25")), (D(0), D("0.00"))])
def test_a_loss_allocates_nothing(net, loss):
    result = allocate(net, DEFAULT_PERCENTAGES, HEADLINE_MEMBERS, UNIT)
    assert result.loss == loss
    assert str(result.loss) == str(loss)
    assert result.buckets == dict.fromkeys(BUCKETS, D("0.00"))
    assert [line.saver_id for line in result.lines] == [1, 2, 3, 4, 5, 6, 7]
    assert all(line.dividend == line.refund == line.total == 0 for line in result.lines)
    assert result.lines[1].unit_months == 600  # the preview still shows the weights


def test_when_nobody_qualifies_for_a_refund_it_goes_to_the_reserve():
    members = [
        member(1, [1000] * 12, interest="300.00", late=True),
        member(2, [1000] * 12),
    ]
    result = allocate(D("1000.00"), DEFAULT_PERCENTAGES, members, UNIT)
    assert result.refund_to_reserve == D("100.00")
    assert result.buckets["refund"] == 0
    assert result.buckets["reserve"] == D("200.00")
    assert [line.refund for line in result.lines] == [0, 0]
    assert [line.dividend for line in result.lines] == [D("300.00"), D("300.00")]


def test_when_nobody_earned_a_dividend_it_goes_to_the_reserve():
    members = [member(1, [1000] * 12, unpaid=range(1, 13), interest="10.00")]
    result = allocate(D("1000.00"), DEFAULT_PERCENTAGES, members, UNIT)
    assert result.dividend_unearned_to_reserve == D("600.00")
    assert result.buckets["dividend"] == 0
    assert result.buckets["reserve"] == D("700.00")
    assert result.lines[0].refund == D("100.00")


def test_the_dividend_cap_moves_the_excess_to_the_reserve():
    # Unit-months 12,000 and 120.12 (1,001 baht a month); dividend bucket 600.00:
    #   600 × 12,000 / 12,120.12 = 594.0535… → 594.05;  600 × 120.12 / 12,120.12 = 5.9464… → 5.95
    #   (1 satang left over, member 2 has the larger remainder).
    # Cap at 0.55 % a year of the average balance:
    #   100,000 × 0.55 % = 550.00;  1,001 × 0.55 % = 5.5055 → 5.50 (rounded down)
    #   excess 44.05 + 0.45 = 44.50 to the reserve: 100.00 + 44.50 = 144.50.
    members = [
        member(1, [100_000] * 12, interest="10.00"),
        member(2, [1001] * 12),
    ]
    uncapped = allocate(D("1000.00"), DEFAULT_PERCENTAGES, members, UNIT)
    assert [line.dividend for line in uncapped.lines] == [D("594.05"), D("5.95")]

    result = allocate(D("1000.00"), DEFAULT_PERCENTAGES, members, UNIT, D("0.55"))
    assert [line.dividend for line in result.lines] == [D("550.00"), D("5.50")]
    assert result.dividend_capped_to_reserve == D("44.50")
    assert result.buckets["dividend"] == D("555.50")
    assert result.buckets["reserve"] == D("144.50")
    assert sum(result.buckets.values()) == D("1000.00")

    generous = allocate(D("1000.00"), DEFAULT_PERCENTAGES, members, UNIT, D(10))
    assert generous.lines == uncapped.lines
    assert generous.dividend_capped_to_reserve == 0


def test_unit_months_need_not_be_whole():
    result = allocate(D("100.00"), DEFAULT_PERCENTAGES, [member(1, [1000] * 12)], D(30))
    assert result.lines[0].unit_months == D(400)
    result = allocate(D("100.00"), DEFAULT_PERCENTAGES, [member(1, [100] + [0] * 11)], D(30))
    assert result.lines[0].unit_months.quantize(D("0.0001")) == D("3.3333")
    assert result.lines[0].dividend == D("60.00")


# -- allocate: properties ------------------------------------------------------------------


@st.composite
def member_years(draw, saver_id):
    return MemberYear(
        saver_id=saver_id,
        month_end_pledged=tuple(
            draw(st.lists(st.integers(0, 10**7), min_size=12, max_size=12).map(_to_baht))
        ),
        months_paid=tuple(draw(st.lists(st.booleans(), min_size=12, max_size=12))),
        interest_paid=D(draw(st.integers(0, 10**6))).scaleb(-2),
        late=draw(st.booleans()),
    )


def _to_baht(cents):
    return [D(c).scaleb(-2) for c in cents]


@st.composite
def percentages(draw):
    """Six percentages with two decimals summing to 100, from five cut points."""
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=5, max_size=5)))
    bounds = [0, *cuts, 10_000]
    return {b: D(bounds[i + 1] - bounds[i]).scaleb(-2) for i, b in enumerate(BUCKETS)}


@st.composite
def years(draw):
    count = draw(st.integers(0, 8))
    members = [draw(member_years(saver_id)) for saver_id in range(count)]
    return members


@settings(max_examples=200, deadline=None)
@given(
    net=st.integers(-(10**8), 10**9).map(lambda c: D(c).scaleb(-2)),
    shares=st.one_of(st.just(dict(DEFAULT_PERCENTAGES)), percentages()),
    members=years(),
    unit=st.sampled_from([D("1.00"), D("30.00"), D("100.00"), D("33.33")]),
    rate=st.one_of(st.none(), st.integers(0, 2000).map(lambda n: D(n).scaleb(-2))),
)
def test_allocation_properties(net, shares, members, unit, rate):
    result = allocate(net, shares, members, unit, rate)

    amounts = [
        *result.buckets.values(),
        result.dividend_capped_to_reserve,
        result.refund_to_reserve,
        result.dividend_unearned_to_reserve,
        result.loss,
    ]
    for line in result.lines:
        amounts += [line.dividend, line.refund, line.total]
    for amount in amounts:
        assert amount >= 0
        assert amount.as_tuple().exponent == -2

    if net > 0:
        assert sum(result.buckets.values()) == net
        assert result.loss == 0
    else:
        assert sum(result.buckets.values()) == 0
        assert result.loss == -net
    assert sum(line.dividend for line in result.lines) == result.buckets["dividend"]
    assert sum(line.refund for line in result.lines) == result.buckets["refund"]

    by_saver = {m.saver_id: m for m in members}
    assert [line.saver_id for line in result.lines] == sorted(by_saver)
    for line in result.lines:
        year = by_saver[line.saver_id]
        assert line.total == line.dividend + line.refund
        if year.late:
            assert line.refund == 0
        if line.unit_months == 0:
            assert line.dividend == 0
        if rate is not None:
            average = sum(year.month_end_pledged) / 12
            assert line.dividend <= average * rate / 100
