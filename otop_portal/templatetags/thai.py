"""Template filters for Thai readers: B.E. dates, baht, national IDs.

    {% load thai %}
    {{ fair.starts_on|thaidate }}          7 มีนาคม 2568
    {{ account.last_login|thaidate_short }} 7 มี.ค. 68
    {{ entry.created_at|thaidatetime }}    7 มีนาคม 2568 14:30 น.
    {{ loan.amount|baht }}                 1,234.50 บาท
    {{ receipt.total|bahttext }}           หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์
    {{ member.national_id|national_id }}   1-2345-67890-12-1
    {{ member.national_id|national_id_masked }} X-XXXX-XXXXX-12-1

Empty values (None, "") render as "", so `|default:"—"` can follow. A stored ID
that is not 13 digits renders as it is (masked: as ""), never as an error. Wrong
types (a float amount, a string date) are programming mistakes and raise.
"""

from django import template
from django.core.exceptions import ValidationError

from otop_portal.lib.money import bahttext as baht_in_words
from otop_portal.lib.money import format_baht
from otop_portal.lib.natid import format_national_id, mask_national_id
from otop_portal.lib.thaidate import format_thai_date, format_thai_datetime

register = template.Library()


def _is_empty(value) -> bool:
    return value is None or value == ""


@register.filter
def thaidate(value):
    """7 มีนาคม 2568 (a datetime shows its Bangkok date)."""
    return "" if _is_empty(value) else format_thai_date(value)


@register.filter
def thaidate_short(value):
    """7 มี.ค. 68, for tables."""
    return "" if _is_empty(value) else format_thai_date(value, short=True)


@register.filter
def thaidatetime(value):
    """7 มีนาคม 2568 14:30 น., in Bangkok time."""
    return "" if _is_empty(value) else format_thai_datetime(value)


@register.filter
def baht(value):
    """1,234.50 บาท."""
    return "" if _is_empty(value) else format_baht(value)


@register.filter
def bahttext(value):
    """The amount in Thai words, for receipts."""
    return "" if _is_empty(value) else baht_in_words(value)


@register.filter
def national_id(value):
    """1-2345-67890-12-1; a value that is not 13 digits shows as stored."""
    if _is_empty(value):
        return ""
    try:
        return format_national_id(value)
    except ValidationError:
        return value


@register.filter
def national_id_masked(value):
    """X-XXXX-XXXXX-12-1; a value that is not 13 digits shows nothing, since it
    cannot be masked reliably."""
    if _is_empty(value):
        return ""
    try:
        return mask_national_id(value)
    except ValidationError:
        return ""


@register.filter
def stars(value):
    """★★★ for 3; "" for no rating."""
    if _is_empty(value):
        return ""
    return "★" * int(value)
