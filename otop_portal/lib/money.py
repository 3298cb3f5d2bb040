"""Money: the one rounding rule, the displayed amount and the amount in Thai words.

Amounts are Decimal (ints are accepted as whole baht). A float is refused with
TypeError everywhere here: 1.005 as a float is 1.00499…, so it would round the
wrong way on a receipt, and a float reaching this module is a bug to find, not to
paper over.
"""

from decimal import ROUND_HALF_UP, Decimal

from pythainlp.util import num_to_thaiword

from otop_portal.lib.language import reads_english

SATANG = Decimal("0.01")
_MILLION = 1_000_000


def _as_decimal(value) -> Decimal:
    """Decimal from a Decimal, int or numeric string; floats and bools are refused."""
    if isinstance(value, float | bool):
        raise TypeError(f"money must be a Decimal or an int, not {type(value).__name__}")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int | str):
        amount = Decimal(value)
    else:
        raise TypeError(f"money must be a Decimal or an int, not {type(value).__name__}")
    if not amount.is_finite():
        raise ValueError(f"money must be a finite amount, not {value!r}")
    return amount


def round_baht(value) -> Decimal:
    """The amount rounded to the satang, half up (2.345 → 2.35): the project's one
    rounding rule, so a total never differs between a page, an export and a receipt."""
    rounded = _as_decimal(value).quantize(SATANG, rounding=ROUND_HALF_UP)
    # -0.001 rounds to -0.00: show and store it as plain zero.
    return rounded if rounded else abs(rounded)


def format_baht(value, *, unit: bool = True) -> str:
    """1,234.50 บาท (English: 1,234.50 baht); -1,234.50 บาท; None → "".

    The unit word is chosen by the active language like a number format, not via
    the catalogue, so amounts read right before any translation is compiled.
    """
    if value is None:
        return ""
    text = f"{round_baht(value):,.2f}"
    if not unit:
        return text
    english = reads_english()
    return f"{text} {'baht' if english else 'บาท'}"


def _thai_number(number: int) -> str:
    """A whole number ≥ 1 in Thai words, read as Thai reads large numbers: the count
    of millions, then ล้าน, then the rest (1,000,001,000,000 is หนึ่งล้านเอ็ดล้าน).

    pythainlp's num_to_thaiword reads each group below a million; it reads the
    group before a second ล้าน without เอ็ด ("หนึ่งล้านหนึ่งล้าน"), hence this.
    """
    millions, rest = divmod(number, _MILLION)
    if not millions:
        return num_to_thaiword(number)
    text = _thai_number(millions) + "ล้าน"
    if rest == 1:
        return text + "เอ็ด"
    return text + num_to_thaiword(rest) if rest else text


def bahttext(amount) -> str:
    """The amount in Thai words, as written on receipts (Excel's BAHTTEXT):
    21 → ยี่สิบเอ็ดบาทถ้วน, 100.50 → หนึ่งร้อยบาทห้าสิบสตางค์, 0.25 → ยี่สิบห้าสตางค์,
    -21 → ลบยี่สิบเอ็ดบาทถ้วน. Rounded to the satang (half up) first.

    Not pythainlp's bahttext: it takes floats only (so large amounts lose satang),
    writes ศูนย์บาทยี่สิบห้าสตางค์ for 0.25 and drops the sign of -0.25.
    """
    rounded = round_baht(amount)
    satang_total = int(abs(rounded) * 100)
    if not satang_total:
        return "ศูนย์บาทถ้วน"
    baht, satang = divmod(satang_total, 100)
    text = "ลบ" if rounded < 0 else ""
    if baht:
        text += _thai_number(baht) + "บาท"
    return text + (num_to_thaiword(satang) + "สตางค์" if satang else "ถ้วน")
