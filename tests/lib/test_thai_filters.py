from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils.translation import override


def render(template: str, **context) -> str:
    return Template("{% load thai %}" + template).render(Context(context))


def test_thaidate_writes_the_long_form():
    with override("th"):
        assert render("{{ d|thaidate }}", d=date(2025, 3, 7)) == "7 มีนาคม 2568"


def test_thaidate_short_writes_the_short_form():
    with override("th"):
        assert render("{{ d|thaidate_short }}", d=date(2025, 3, 7)) == "7 มี.ค. 68"


def test_date_filters_show_a_datetime_on_its_bangkok_date():
    late_evening_utc = datetime(2025, 3, 6, 20, 0, tzinfo=UTC)
    with override("th"):
        assert render("{{ d|thaidate_short }}", d=late_evening_utc) == "7 มี.ค. 68"
        assert render("{{ d|thaidate }}", d=late_evening_utc) == "7 มีนาคม 2568"


def test_thaidatetime_writes_bangkok_time():
    with override("th"):
        rendered = render("{{ d|thaidatetime }}", d=datetime(2025, 3, 7, 7, 30, tzinfo=UTC))
    assert rendered == "7 มีนาคม 2568 14:30 น."


def test_date_filters_follow_the_language():
    with override("en"):
        assert render("{{ d|thaidate }}", d=date(2025, 3, 7)) == "7 March 2568 BE"


def test_baht_writes_the_amount_with_its_unit():
    with override("th"):
        assert render("{{ a|baht }}", a=Decimal("1234.5")) == "1,234.50 บาท"
        assert render("{{ a|baht }}", a=Decimal("-1234.5")) == "-1,234.50 บาท"


def test_bahttext_writes_the_amount_in_words():
    assert render("{{ a|bahttext }}", a=Decimal("100.50")) == "หนึ่งร้อยบาทห้าสิบสตางค์"


def test_national_id_is_grouped():
    assert render("{{ n|national_id }}", n="1234567890121") == "1-2345-67890-12-1"


def test_national_id_masked_shows_only_the_last_three_digits():
    assert render("{{ n|national_id_masked }}", n="1234567890121") == "X-XXXX-XXXXX-12-1"


def test_a_stored_id_that_is_not_13_digits_shows_as_stored_but_never_masked_wrong():
    assert render("{{ n|national_id }}", n="12345") == "12345"
    assert render("{{ n|national_id_masked }}", n="12345") == ""


FILTERS = [
    "thaidate",
    "thaidate_short",
    "thaidatetime",
    "baht",
    "bahttext",
    "national_id",
    "national_id_masked",
]


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("empty", [None, ""])
def test_every_filter_shows_nothing_for_an_empty_value(name, empty):
    assert render("{{ v|" + name + " }}", v=empty) == ""
    assert render("{{ v|" + name + '|default:"—" }}', v=empty) == "—"


@pytest.mark.parametrize("name", FILTERS)
def test_every_filter_shows_nothing_for_a_missing_variable(name):
    assert render("{{ missing|" + name + " }}") == ""


def test_a_float_amount_is_a_bug_and_raises():
    with pytest.raises(TypeError):
        render("{{ a|baht }}", a=1234.5)
