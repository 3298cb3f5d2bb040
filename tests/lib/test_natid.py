import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from otop_portal.lib.natid import (
    format_national_id,
    is_valid_national_id,
    mask_national_id,
    normalize_national_id,
    validate_national_id,
)

# Checked by hand with the rule: 1*13 + 2*12 + 3*11 + 4*10 + 5*9 + 6*8 + 7*7 + 8*6 + 9*5
# + 0*4 + 1*3 + 2*2 = 352; 352 mod 11 = 0; (11 - 0) mod 10 = 1.
VALID = "1234567890121"
# 1*13 + 1*12 + 0*11 + 1*10 + 7*9 + 0*8 + 0*7 + 2*6 + 0*5 + 3*4 + 4*3 + 5*2 = 144;
# 144 mod 11 = 1; (11 - 1) mod 10 = 0. (1101700203451, often quoted, fails the rule.)
ALSO_VALID = "1101700203450"


def with_check_digit(first_twelve: str) -> str:
    """An ID completed by the rule, computed independently of the code under test."""
    total = sum(int(first_twelve[i]) * (13 - i) for i in range(12))
    return first_twelve + str((11 - total % 11) % 10)


def test_it_accepts_known_valid_ids():
    assert is_valid_national_id(VALID)
    assert is_valid_national_id(ALSO_VALID)


def test_it_refuses_the_often_quoted_id_whose_check_digit_is_wrong():
    assert not is_valid_national_id("1101700203451")


@given(st.from_regex(r"[0-9]{12}", fullmatch=True))
def test_every_id_completed_by_the_rule_is_valid(first_twelve):
    assert is_valid_national_id(with_check_digit(first_twelve))


@given(st.from_regex(r"[0-9]{12}", fullmatch=True), st.integers(min_value=1, max_value=9))
def test_every_other_last_digit_is_refused(first_twelve, shift):
    valid = with_check_digit(first_twelve)
    wrong = valid[:12] + str((int(valid[12]) + shift) % 10)
    assert not is_valid_national_id(wrong)


@pytest.mark.parametrize(
    "typed",
    [
        "1-2345-67890-12-1",
        "1 2345 67890 12 1",
        " 1234567890121 ",
        "๑-๒๓๔๕-๖๗๘๙๐-๑๒-๑",
        "1–2345–67890–12–1",  # en dashes, as word processors write them
    ],
)
def test_it_reads_ids_with_separators_and_thai_digits(typed):
    assert normalize_national_id(typed) == VALID
    assert is_valid_national_id(typed)


@pytest.mark.parametrize(
    "typed", ["", "123456789012", "12345678901234", "123456789012a", "1/2345/67890/12/1", None]
)
def test_it_refuses_what_is_not_13_digits(typed):
    assert not is_valid_national_id(typed)
    with pytest.raises(ValidationError) as caught:
        validate_national_id(typed)
    assert caught.value.code == "format"
    with override("en"):
        assert caught.value.messages == ["Must be a 13-digit number."]


def test_the_validator_names_the_check_digit():
    with pytest.raises(ValidationError) as caught:
        validate_national_id("1234567890122")
    assert caught.value.code == "check_digit"
    with override("en"):
        assert caught.value.messages == [
            "This national ID number is not valid: check the last digit."
        ]


def test_the_validator_accepts_a_valid_id():
    assert validate_national_id("1-2345-67890-12-1") is None


def test_it_formats_in_the_card_grouping():
    assert format_national_id(VALID) == "1-2345-67890-12-1"
    assert format_national_id("๑ ๑๐๑๗ ๐๐๒๐๓ ๔๕ ๐") == "1-1017-00203-45-0"


def test_it_masks_all_but_the_last_three_digits():
    assert mask_national_id(VALID) == "X-XXXX-XXXXX-12-1"
    assert mask_national_id("1-1017-00203-45-0") == "X-XXXX-XXXXX-45-0"


def test_formatting_refuses_what_is_not_13_digits():
    with pytest.raises(ValidationError):
        format_national_id("12345")
    with pytest.raises(ValidationError):
        mask_national_id("12345")
