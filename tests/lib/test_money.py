from decimal import Decimal

import pytest
from django.utils.translation import override

from otop_portal.lib.money import bahttext, format_baht, round_baht


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        ("2.345", "2.35"),
        ("2.344", "2.34"),
        ("2.355", "2.36"),  # half up, not to even
        ("-2.345", "-2.35"),  # half away from zero
        ("0.005", "0.01"),
        (5, "5.00"),
    ],
)
def test_it_rounds_to_the_satang_half_up(value, rounded):
    result = round_baht(Decimal(value) if isinstance(value, str) else value)
    assert result == Decimal(rounded)
    assert str(result) == rounded


def test_a_negative_amount_that_rounds_to_zero_is_plain_zero():
    assert str(round_baht(Decimal("-0.001"))) == "0.00"


@pytest.mark.parametrize("value", [1.5, True])
def test_money_refuses_floats_and_bools(value):
    with pytest.raises(TypeError):
        round_baht(value)
    with pytest.raises(TypeError):
        format_baht(value)
    with pytest.raises(TypeError):
        bahttext(value)


def test_money_refuses_infinite_amounts():
    with pytest.raises(ValueError):
        round_baht(Decimal("Infinity"))


def test_it_shows_baht_with_grouping_and_two_places():
    with override("th"):
        assert format_baht(Decimal("1234.5")) == "1,234.50 บาท"
        assert format_baht(Decimal("1234567.891")) == "1,234,567.89 บาท"
        assert format_baht(0) == "0.00 บาท"


def test_it_shows_negative_amounts_with_a_minus_sign():
    with override("th"):
        assert format_baht(Decimal("-1234.5")) == "-1,234.50 บาท"


def test_it_shows_the_english_unit_in_english():
    with override("en"):
        assert format_baht(Decimal("1234.5")) == "1,234.50 baht"


def test_it_can_leave_the_unit_out():
    assert format_baht(Decimal("1234.5"), unit=False) == "1,234.50"


def test_it_shows_nothing_for_no_amount():
    assert format_baht(None) == ""


def test_it_rounds_before_showing():
    assert format_baht(Decimal("0.005"), unit=False) == "0.01"
    assert format_baht(Decimal("-0.004"), unit=False) == "0.00"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "ศูนย์บาทถ้วน"),
        (1, "หนึ่งบาทถ้วน"),
        (11, "สิบเอ็ดบาทถ้วน"),
        (21, "ยี่สิบเอ็ดบาทถ้วน"),
        (101, "หนึ่งร้อยเอ็ดบาทถ้วน"),
        (Decimal("21.00"), "ยี่สิบเอ็ดบาทถ้วน"),
        (Decimal("0.25"), "ยี่สิบห้าสตางค์"),
        (Decimal("0.01"), "หนึ่งสตางค์"),
        (Decimal("100.50"), "หนึ่งร้อยบาทห้าสิบสตางค์"),
        (Decimal("1.01"), "หนึ่งบาทหนึ่งสตางค์"),
        (1_000_000, "หนึ่งล้านบาทถ้วน"),
        (1_000_001, "หนึ่งล้านเอ็ดบาทถ้วน"),
        (21_000_000, "ยี่สิบเอ็ดล้านบาทถ้วน"),
        (101_000_101, "หนึ่งร้อยเอ็ดล้านหนึ่งร้อยเอ็ดบาทถ้วน"),
        (
            Decimal("1234567890.25"),
            "หนึ่งพันสองร้อยสามสิบสี่ล้านห้าแสนหกหมื่นเจ็ดพันแปดร้อยเก้าสิบบาทยี่สิบห้าสตางค์",
        ),
        (10**12, "หนึ่งล้านล้านบาทถ้วน"),
        (10**12 + 21, "หนึ่งล้านล้านยี่สิบเอ็ดบาทถ้วน"),
        # The count of millions (1,000,001) is read as a number, with เอ็ด.
        (1_000_001_000_000, "หนึ่งล้านเอ็ดล้านบาทถ้วน"),
        # Beyond a float's precision: every satang still counts.
        (
            Decimal("123456789012345.67"),
            "หนึ่งร้อยยี่สิบสามล้านสี่แสนห้าหมื่นหกพันเจ็ดร้อยแปดสิบเก้าล้านหนึ่งหมื่นสองพันสามร้อยสี่สิบห้าบาทหกสิบเจ็ดสตางค์",
        ),
        (-21, "ลบยี่สิบเอ็ดบาทถ้วน"),
        (Decimal("-0.25"), "ลบยี่สิบห้าสตางค์"),
    ],
)
def test_it_writes_amounts_in_thai_words(amount, words):
    assert bahttext(amount) == words


def test_it_rounds_to_the_satang_before_writing_words():
    assert bahttext(Decimal("0.005")) == "หนึ่งสตางค์"
    assert bahttext(Decimal("1.995")) == "สองบาทถ้วน"
    assert bahttext(Decimal("-0.004")) == "ศูนย์บาทถ้วน"
