"""Buddhist-Era dates: how the portal shows, reads and asks for them.

The domain rule is B.E. everywhere (B.E. = C.E. + 543): the network's paperwork is in
B.E., so every date a person sees or types is B.E., in English too. The database
stores ordinary C.E. dates; only this module converts.

Formats follow the active language (Thai unless it starts with "en"). Month names
are calendar data chosen by language here, like Django's locale formats, so a date
reads right in Thai even before a translation catalogue is compiled; only messages
(errors, help text) go through gettext.

Typed dates are read leniently (slashes, dashes or dots, Thai digits, Thai month
names) but never guessed: a two-digit year is refused, and a year that looks like
C.E. gets a message proposing the B.E. year rather than a silent conversion.
"""

import re
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from otop_portal.lib.language import THAI_DIGITS, reads_english

BE_OFFSET = 543
# Typed years outside this range are mistakes, not dates the network deals with.
BE_YEAR_MIN, BE_YEAR_MAX = 2400, 2700
# A typed year in this range is almost surely C.E. (2025 for 2568).
CE_LOOKALIKE_MIN, CE_LOOKALIKE_MAX = 1900, 2300

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
ENGLISH_MONTHS_SHORT = tuple(name[:3] for name in ENGLISH_MONTHS)


FORMAT_MESSAGE = _("Enter the date as dd/mm/yyyy (B.E.), e.g. 25/10/2568.")
NO_SUCH_DATE_MESSAGE = _(
    "There is no such date. Enter the date as dd/mm/yyyy (B.E.), e.g. 25/10/2568."
)
CE_YEAR_MESSAGE = _("Year %(year)s looks like C.E.: did you mean %(be_year)s?")
YEAR_RANGE_MESSAGE = _("Year %(year)s is not a B.E. year between 2400 and 2700.")


def _local_date(value: date) -> date:
    """The calendar date a Bangkok reader sees: an aware datetime is converted to
    local time first (a naive one raises, as it is a bug under USE_TZ)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


def format_numeric_date(value: date) -> str:
    """25/10/2568: the compact B.E. form of forms, tables and exports."""
    return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}"


def format_numeric_datetime(value: datetime) -> str:
    """25/10/2568 14:30, in Bangkok time."""
    local = timezone.localtime(value)
    return f"{format_numeric_date(local.date())} {local:%H:%M}"


def format_thai_date(value: date, *, short: bool = False) -> str:
    """7 มีนาคม 2568, or short 7 มี.ค. 68; in English 7 March 2568 BE / 7 Mar 68.

    The year stays B.E. in English because the documents readers compare it with
    are B.E.; the long English form says "BE" so no one mistakes it for C.E.
    """
    day = _local_date(value)
    be_year = day.year + BE_OFFSET
    index = day.month - 1
    if reads_english():
        if short:
            return f"{day.day} {ENGLISH_MONTHS_SHORT[index]} {be_year % 100:02d}"
        return f"{day.day} {ENGLISH_MONTHS[index]} {be_year} BE"
    if short:
        return f"{day.day} {THAI_MONTHS_SHORT[index]} {be_year % 100:02d}"
    return f"{day.day} {THAI_MONTHS[index]} {be_year}"


def format_thai_datetime(value: datetime, *, short: bool = False) -> str:
    """7 มีนาคม 2568 14:30 น. (English: 7 March 2568 BE 14:30), in Bangkok time."""
    if not isinstance(value, datetime):
        raise TypeError(f"format_thai_datetime needs a datetime, not {type(value).__name__}")
    local = timezone.localtime(value)
    text = f"{format_thai_date(local.date(), short=short)} {local:%H:%M}"
    return text if reads_english() else f"{text} น."


def _month_names() -> dict[str, int]:
    """Every month name a person may type, without dots or spaces, lowercased:
    Thai full and abbreviated (ตค for ต.ค.), English full and three-letter."""
    names = {}
    for number, spellings in enumerate(
        zip(THAI_MONTHS, THAI_MONTHS_SHORT, ENGLISH_MONTHS, ENGLISH_MONTHS_SHORT, strict=True),
        start=1,
    ):
        for spelling in spellings:
            names[spelling.replace(".", "").lower()] = number
    return names


_MONTH_NUMBERS = _month_names()
_NUMERIC_DMY = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]+)")
_NUMERIC_YMD = re.compile(r"([0-9]+)([/.\-])([0-9]{1,2})\2([0-9]{1,2})")
_COMPACT_DMY = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
_NAMED_MONTH = re.compile(r"([0-9]{1,2})\s*([^0-9]+?)\s*([0-9]+)")
# "พ.ศ." or "B.E." typed before the year ("25 ต.ค. พ.ศ. 2568") or after it.
_ERA_MARK = re.compile(r"(พ\.?\s*ศ\.?|b\.?\s*e\.?)$")


def _split_typed_date(text: str) -> tuple[str, int | str, str]:
    """(day, month, year) as typed, or ValidationError when no form matches."""
    if match := _NUMERIC_DMY.fullmatch(text):
        return match[1], match[3], match[4]
    if match := _NUMERIC_YMD.fullmatch(text):
        return match[4], match[3], match[1]
    # ddmmyyyy: a phone's numeric keypad may have no "/" to type.
    if match := _COMPACT_DMY.fullmatch(text):
        return match[1], match[2], match[3]
    if match := _NAMED_MONTH.fullmatch(text):
        name = _ERA_MARK.sub("", match[2].lower().strip()).replace(".", "").replace(" ", "")
        if name in _MONTH_NUMBERS:
            return match[1], _MONTH_NUMBERS[name], match[3]
    raise ValidationError(FORMAT_MESSAGE, code="invalid")


def parse_be_date(text: str) -> date:
    """Read a typed B.E. date (25/10/2568, 25-10-2568, 2568-10-25, ๒๕/๑๐/๒๕๖๘,
    25 ต.ค. 2568, 25 ตุลาคม 2568, 25102568) into a C.E. date.

    Raises ValidationError: a year must have four digits (a two-digit year is
    ambiguous), lie in B.E. 2400–2700, and the date must exist.
    """
    if not isinstance(text, str):
        raise ValidationError(FORMAT_MESSAGE, code="invalid")
    cleaned = _ERA_MARK.sub("", text.translate(THAI_DIGITS).strip().lower()).strip()
    day, month, year = _split_typed_date(cleaned)
    if len(year) != 4:
        raise ValidationError(FORMAT_MESSAGE, code="invalid")
    be_year = int(year)
    if CE_LOOKALIKE_MIN <= be_year <= CE_LOOKALIKE_MAX:
        raise ValidationError(
            CE_YEAR_MESSAGE,
            code="ce_year",
            params={"year": be_year, "be_year": be_year + BE_OFFSET},
        )
    if not BE_YEAR_MIN <= be_year <= BE_YEAR_MAX:
        raise ValidationError(YEAR_RANGE_MESSAGE, code="year_range", params={"year": be_year})
    try:
        return date(be_year - BE_OFFSET, int(month), int(day))
    except ValueError:
        raise ValidationError(NO_SUCH_DATE_MESSAGE, code="no_such_date") from None


class BEDateInput(forms.TextInput):
    """A text box for a B.E. date.

    Not <input type="date">: a phone's native picker is C.E. and would store 2568
    as a C.E. year. No `pattern` attribute either: it would block Thai digits and
    month names, which parse_be_date reads. A date value shows as 25/10/2568.
    """

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {
            # A digit keypad that also has a separator key (".") on iPhones,
            # where the "numeric" keypad has none.
            "inputmode": "decimal",
            "autocomplete": "off",
            "placeholder": _("dd/mm/yyyy (B.E.)"),
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, date):
            return format_numeric_date(_local_date(value))
        return super().format_value(value)


class BEDateField(forms.Field):
    """A form field for a B.E. date: reads what parse_be_date reads, cleans to a
    C.E. `date`, and accepts a date (or aware datetime) as initial data."""

    widget = BEDateInput
    default_error_messages = {"invalid": FORMAT_MESSAGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("dd/mm/yyyy B.E., e.g. 25/10/2568"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return _local_date(value)
        return parse_be_date(str(value))
