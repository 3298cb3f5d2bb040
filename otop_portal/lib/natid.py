"""Thai national ID numbers (เลขประจำตัวประชาชน): check, store, show.

13 digits; the last is a check digit: the first 12 digits weighted 13, 12, … 2,
summed, and check = (11 − sum mod 11) mod 10. It catches most mistyped digits
(not all: the third digit weighs 11, and sums 0 and 10 mod 11 share check digit
1), so most typos are refused at the form rather than found on a payout list.

Stored as 13 plain digits; shown in the card's 1-4-5-2-1 grouping
(1-2345-67890-12-1) or, where the full number is not needed, masked as
X-XXXX-XXXXX-12-1: only the last three digits show (enough to tell members apart
on a list, too few to be used as the number).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from otop_portal.lib.language import THAI_DIGITS

FORMAT_MESSAGE = _("Must be a 13-digit number.")
CHECK_DIGIT_MESSAGE = _("This national ID number is not valid: check the last digit.")

# What people type between the groups: spaces and any kind of dash.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]")
_THIRTEEN_DIGITS = re.compile(r"[0-9]{13}")
_GROUPS = (1, 4, 5, 2, 1)


def check_digit(first_twelve: str) -> int:
    """The check digit of the first 12 digits of a national ID."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_twelve, range(13, 1, -1), strict=True)
    )
    return (11 - total % 11) % 10


def normalize_national_id(text: str) -> str:
    """The 13 digits of an ID typed with dashes, spaces or Thai digits
    ("๑-๒๓๔๕-๖๗๘๙๐-๑๒-๑" → "1234567890121"). Raises ValidationError when what is
    left is not 13 digits; the check digit is validate_national_id's business."""
    if not isinstance(text, str):
        raise ValidationError(FORMAT_MESSAGE, code="format")
    digits = _SEPARATORS.sub("", text.translate(THAI_DIGITS))
    if not _THIRTEEN_DIGITS.fullmatch(digits):
        raise ValidationError(FORMAT_MESSAGE, code="format")
    return digits


def validate_national_id(value: str) -> None:
    """Django validator: 13 digits (separators allowed) with a correct check digit."""
    digits = normalize_national_id(value)
    if check_digit(digits[:12]) != int(digits[12]):
        raise ValidationError(CHECK_DIGIT_MESSAGE, code="check_digit")


JURISTIC_CHECK_MESSAGE = _("This juristic person ID is not valid: check the last digit.")


def validate_juristic_id(value: str) -> None:
    """Django validator for a 13-digit juristic person ID (เลขทะเบียนนิติบุคคล), which
    has the same check digit as a national ID."""
    digits = normalize_national_id(value)
    if check_digit(digits[:12]) != int(digits[12]):
        raise ValidationError(JURISTIC_CHECK_MESSAGE, code="check_digit")


def is_valid_national_id(text: str) -> bool:
    """True when `text` is a national ID with a correct check digit."""
    try:
        validate_national_id(text)
    except ValidationError:
        return False
    return True


def _grouped(digits: str) -> str:
    parts, start = [], 0
    for size in _GROUPS:
        parts.append(digits[start : start + size])
        start += size
    return "-".join(parts)


def format_national_id(text: str) -> str:
    """1-2345-67890-12-1, the grouping printed on the card. The check digit is not
    checked here, so a stored number can always be shown as it is."""
    return _grouped(normalize_national_id(text))


def mask_national_id(text: str) -> str:
    """X-XXXX-XXXXX-12-1: the grouping with all but the last three digits hidden."""
    digits = normalize_national_id(text)
    return _grouped("X" * 10 + digits[10:])
