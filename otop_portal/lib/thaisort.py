"""Thai dictionary order for name columns, the same in Python and in PostgreSQL.

Code-point order puts every name written with a leading vowel (เ แ โ ใ ไ, typed
before the consonant they follow in speech) after every other name, and lets a
tone mark decide before the letters after it. The sort key fixes both:

1. each leading vowel swaps places with the consonant after it (เก → กเ), so the
   consonant decides first, as in the Royal Institute dictionary;
2. primary = that text without tone marks and the signs ็ ์ ํ ๎ (U+0E47–U+0E4E);
   secondary = that text with them; key = primary + " " + secondary. A space sorts
   below every Thai letter, so marks only break ties: กา < ก่า < ก้า < กาก;
3. A–Z are lowercased. Only ASCII: Python's str.lower() and PostgreSQL's lower()
   disagree outside ASCII and the latter depends on the server's locale, while
   the key must be identical in both, and immutable for an index or a generated
   column.

Keys compare by code point: in PostgreSQL under COLLATE "C", which ThaiSortKey
includes, so the order does not depend on the database's collation.
"""

import re
import string

from django.db.models import Func, TextField, Value
from django.db.models.functions import Collate

LEADING_VOWELS = "เแโใไ"  # U+0E40–U+0E44
CONSONANTS = "".join(chr(code) for code in range(0x0E01, 0x0E2F))  # ก … ฮ
TONE_MARKS_AND_SIGNS = "".join(chr(code) for code in range(0x0E47, 0x0E4F))
# The same pattern and replacement serve Python's re and PostgreSQL's regexp_replace.
SWAP_PATTERN = f"([{LEADING_VOWELS}])([{CONSONANTS}])"
SWAP_REPLACEMENT = r"\2\1"

_SWAP = re.compile(SWAP_PATTERN)
_LOWER_ASCII = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_DROP_MARKS = str.maketrans("", "", TONE_MARKS_AND_SIGNS)


def thai_sort_key(text: str) -> str:
    """The key that sorts Thai names in dictionary order: sorted(names, key=thai_sort_key)."""
    secondary = _SWAP.sub(SWAP_REPLACEMENT, text).translate(_LOWER_ASCII)
    return f"{secondary.translate(_DROP_MARKS)} {secondary}"


class ThaiSortKey(Collate):
    """thai_sort_key computed by PostgreSQL, under COLLATE "C":
    `.order_by(ThaiSortKey("name"))`, or the expression of an index or a
    GeneratedField (every function in it is immutable).

    regexp_replace swaps the leading vowels, translate() lowercases A–Z and drops
    the marks, and || joins primary, " " and secondary.
    """

    def __init__(self, expression):
        swapped = Func(
            Func(
                expression,
                Value(SWAP_PATTERN),
                Value(SWAP_REPLACEMENT),
                Value("g"),
                function="regexp_replace",
                output_field=TextField(),
            ),
            Value(string.ascii_uppercase),
            Value(string.ascii_lowercase),
            function="translate",
            output_field=TextField(),
        )
        primary = Func(
            swapped,
            Value(TONE_MARKS_AND_SIGNS),
            Value(""),
            function="translate",
            output_field=TextField(),
        )
        key = Func(
            primary,
            Value(" "),
            swapped,
            template="(%(expressions)s)",
            arg_joiner=" || ",
            output_field=TextField(),
        )
        super().__init__(key, "C")
