from datetime import UTC, date, datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import override

from otop_portal.lib.thaidate import (
    BEDateField,
    BEDateInput,
    format_numeric_date,
    format_numeric_datetime,
    format_thai_date,
    format_thai_datetime,
    parse_be_date,
)

OCT_25 = date(2025, 10, 25)
# 07:30 UTC is 14:30 in Bangkok (UTC+7, no daylight saving).
AFTERNOON = datetime(2025, 3, 7, 7, 30, tzinfo=UTC)
# 20:00 UTC on the 6th is already 03:00 on the 7th in Bangkok.
LATE_EVENING_UTC = datetime(2025, 3, 6, 20, 0, tzinfo=UTC)


def test_it_writes_numeric_dates_zero_padded_in_be():
    assert format_numeric_date(date(2025, 3, 7)) == "07/03/2568"
    assert format_numeric_date(OCT_25) == "25/10/2568"


def test_it_writes_numeric_datetimes_in_bangkok_time():
    assert format_numeric_datetime(AFTERNOON) == "07/03/2568 14:30"
    assert format_numeric_datetime(LATE_EVENING_UTC) == "07/03/2568 03:00"


def test_it_writes_thai_month_names_in_full():
    with override("th"):
        assert format_thai_date(date(2025, 3, 7)) == "7 มีนาคม 2568"
        assert format_thai_date(date(2024, 12, 31)) == "31 ธันวาคม 2567"


@pytest.mark.parametrize(
    ("month", "abbreviation"),
    list(enumerate(
        ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
         "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."],
        start=1,
    )),
)  # fmt: skip
def test_it_abbreviates_every_thai_month(month, abbreviation):
    with override("th"):
        assert format_thai_date(date(2025, month, 7), short=True) == f"7 {abbreviation} 68"


def test_the_short_form_keeps_two_digits_of_the_be_year():
    with override("th"):
        assert format_thai_date(date(2058, 1, 5), short=True) == "5 ม.ค. 01"


def test_english_dates_are_still_buddhist_era():
    with override("en"):
        assert format_thai_date(date(2025, 3, 7)) == "7 March 2568 BE"
        assert format_thai_date(date(2025, 3, 7), short=True) == "7 Mar 68"
        assert format_thai_date(date(2025, 9, 1), short=True) == "1 Sep 68"


def test_a_datetime_shows_its_bangkok_date():
    with override("th"):
        assert format_thai_date(LATE_EVENING_UTC) == "7 มีนาคม 2568"


def test_it_writes_datetimes_with_the_thai_hour_suffix():
    with override("th"):
        assert format_thai_datetime(AFTERNOON) == "7 มีนาคม 2568 14:30 น."
        assert format_thai_datetime(AFTERNOON, short=True) == "7 มี.ค. 68 14:30 น."


def test_english_datetimes_have_no_thai_suffix():
    with override("en"):
        assert format_thai_datetime(AFTERNOON) == "7 March 2568 BE 14:30"


def test_a_datetime_format_refuses_a_plain_date():
    with pytest.raises(TypeError):
        format_thai_datetime(OCT_25)


@pytest.mark.parametrize(
    "typed",
    [
        "25/10/2568",
        "25-10-2568",
        "25.10.2568",
        "2568-10-25",
        "๒๕/๑๐/๒๕๖๘",
        "25 ต.ค. 2568",
        "25 ตุลาคม 2568",
        " 25/10/2568 ",
        " 25 ต.ค. 2568",
        "25 ตค 2568",
        "25 ต.ค. พ.ศ. 2568",
        "25 October 2568 BE",
        "25102568",
    ],
)
def test_it_reads_typed_be_dates(typed):
    assert parse_be_date(typed) == OCT_25


def test_it_reads_single_digit_days_and_months():
    assert parse_be_date("7/3/2568") == date(2025, 3, 7)


def test_it_reads_the_ends_of_the_accepted_year_range():
    assert parse_be_date("01/01/2400") == date(1857, 1, 1)
    assert parse_be_date("31/12/2700") == date(2157, 12, 31)


def _error(typed: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_be_date(typed)
    return caught.value


@pytest.mark.parametrize("typed", ["25/10/68", "25 ต.ค. 68", "68-10-25", "25/10/256"])
def test_it_refuses_years_without_four_digits(typed):
    assert _error(typed).code == "invalid"


def test_it_proposes_the_be_year_for_a_ce_year():
    error = _error("25/10/2025")
    assert error.code == "ce_year"
    assert error.params == {"year": 2025, "be_year": 2568}
    with override("en"):
        assert error.messages == ["Year 2025 looks like C.E.: did you mean 2568?"]


@pytest.mark.parametrize("typed", ["25/10/2399", "25/10/2701", "25/10/1899", "25/10/9999"])
def test_it_refuses_years_outside_the_be_range(typed):
    error = _error(typed)
    assert error.code == "year_range"
    with override("en"):
        assert error.messages == [f"Year {typed[-4:]} is not a B.E. year between 2400 and 2700."]


@pytest.mark.parametrize("typed", ["31/02/2568", "29/02/2568", "25/13/2568", "00/10/2568"])
def test_it_refuses_dates_that_do_not_exist(typed):
    error = _error(typed)
    assert error.code == "no_such_date"
    with override("en"):
        assert "dd/mm/yyyy (B.E.)" in error.messages[0]


def test_it_reads_the_leap_day_of_a_leap_year():
    assert parse_be_date("29/02/2567") == date(2024, 2, 29)


@pytest.mark.parametrize("typed", ["", "   ", "hello", "25 abc 2568", "25/10-2568", "2568"])
def test_unreadable_text_is_told_the_expected_format(typed):
    error = _error(typed)
    assert error.code == "invalid"
    with override("en"):
        assert error.messages == ["Enter the date as dd/mm/yyyy (B.E.), e.g. 25/10/2568."]


def test_the_widget_is_a_plain_text_box_for_phones():
    html = BEDateInput().render("born_on", None)
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    assert 'autocomplete="off"' in html
    assert "placeholder=" in html
    # A pattern would block Thai digits and month names; no inline style or script (CSP).
    for forbidden in ('type="date"', "pattern=", "style=", "<script", "onchange"):
        assert forbidden not in html


def test_the_widget_shows_a_date_in_be():
    assert 'value="25/10/2568"' in BEDateInput().render("born_on", OCT_25)


def test_the_widget_shows_typed_text_back_as_typed():
    assert 'value="25 ต.ค. 2568"' in BEDateInput().render("born_on", "25 ต.ค. 2568")


def test_the_widget_placeholder_says_the_format():
    with override("en"):
        assert 'placeholder="dd/mm/yyyy (B.E.)"' in BEDateInput().render("born_on", None)


def test_the_widget_keeps_extra_attributes():
    html = BEDateInput(attrs={"class": "form-control"}).render("born_on", None)
    assert 'class="form-control"' in html
    assert 'inputmode="decimal"' in html


class BirthForm(forms.Form):
    born_on = BEDateField()
    joined_on = BEDateField(required=False)


def test_the_field_cleans_a_typed_be_date_to_a_ce_date():
    form = BirthForm(data={"born_on": "๒๕/๑๐/๒๕๖๘", "joined_on": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"born_on": OCT_25, "joined_on": None}


def test_the_field_treats_blank_text_as_empty():
    assert BEDateField(required=False).clean("   ") is None


def test_the_field_is_required_by_default():
    form = BirthForm(data={"born_on": ""})
    assert not form.is_valid()
    assert form.errors["born_on"].as_data()[0].code == "required"


def test_the_field_shows_the_ce_year_message():
    form = BirthForm(data={"born_on": "25/10/2025"})
    assert not form.is_valid()
    assert form.errors["born_on"].as_data()[0].code == "ce_year"


def test_the_field_says_how_to_type_a_date():
    with override("en"):
        assert str(BEDateField().help_text) == "dd/mm/yyyy B.E., e.g. 25/10/2568"
    assert BEDateField(help_text="Custom").help_text == "Custom"


def test_the_field_accepts_a_date_as_initial_data():
    form = BirthForm(initial={"born_on": OCT_25})
    assert 'value="25/10/2568"' in str(form["born_on"])
    assert BEDateField().clean(OCT_25) == OCT_25


def test_an_unchanged_initial_date_is_not_a_change():
    form = BirthForm(initial={"born_on": OCT_25}, data={"born_on": "25/10/2568"})
    assert form.is_valid()
    assert "born_on" not in form.changed_data


def test_a_different_date_is_a_change():
    form = BirthForm(initial={"born_on": OCT_25}, data={"born_on": "26/10/2568"})
    assert form.is_valid()
    assert "born_on" in form.changed_data
