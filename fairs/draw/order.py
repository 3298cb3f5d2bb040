"""Steps 1 to 4: the frozen list and its hash, the seed, the tickets, the draw order."""

import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable, Sequence

from .core import MAX_ZONE_CHOICES, Applicant, DrawEntry

_FORBIDDEN_IN_TEXT = frozenset(",;\r\n")
_HEADER = "number,district,category,booth_type,zones,stars,misses,no_show_last,prime_last\n"


def canonical_list(applicants: Iterable[Applicant]) -> str:
    """The published text of the eligible list.

    A header line, then one line per applicant sorted by application number:
    ``number,district,category,booth_type,zones,stars,misses,no_show_last,prime_last``
    with the ranked zones joined by ``;`` and the two flags written ``0`` or ``1``.
    Every line ends with ``\\n``; the text is encoded as UTF-8 before hashing.
    """
    rows = sorted(applicants, key=lambda a: a.number)
    _validate(rows)
    lines = [
        f"{a.number},{a.district},{a.category},{a.booth_type},{';'.join(a.zones)},"
        f"{a.stars},{a.misses},{int(a.no_show_last)},{int(a.prime_last)}\n"
        for a in rows
    ]
    return _HEADER + "".join(lines)


def frozen_list_hash(applicants: Iterable[Applicant]) -> str:
    """SHA-256 (hex) of :func:`canonical_list`."""
    return hashlib.sha256(canonical_list(applicants).encode("utf-8")).hexdigest()


def seed(list_hash: str, public_source: str, algorithm_version: str) -> str:
    """SHA-256 (hex) of the three texts joined by newlines, encoded as UTF-8."""
    text = f"{list_hash}\n{public_source}\n{algorithm_version}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tickets(applicant: Applicant) -> int:
    """1, plus 1 for 3 to 5 stars, plus 1 per consecutive previous miss (at most 2);
    exactly 1 after a no-show at the last fair."""
    if applicant.no_show_last:
        return 1
    star_bonus = 1 if 3 <= applicant.stars <= 5 else 0
    return 1 + star_bonus + min(applicant.misses, 2)


def uniform(seed_hex: str, number: int) -> float:
    """The applicant's uniform number in (0, 1): the first 8 bytes of
    HMAC-SHA256 with the seed's hex text as key and the decimal application
    number as message, read as a big-endian integer, plus one half, over 2**64."""
    digest = hmac.new(seed_hex.encode("ascii"), str(number).encode("ascii"), hashlib.sha256)
    return (int.from_bytes(digest.digest()[:8], "big") + 0.5) / 2**64


def draw_order(applicants: Iterable[Applicant], seed_hex: str) -> tuple[DrawEntry, ...]:
    """Everyone's key ``u ** (1 / tickets)``, highest first, ties by application number."""
    rows = []
    for applicant in applicants:
        weight = tickets(applicant)
        u = uniform(seed_hex, applicant.number)
        rows.append((u ** (1 / weight), applicant.number, weight, u))
    rows.sort(key=lambda row: (-row[0], row[1]))
    return tuple(
        DrawEntry(position=i, number=number, tickets=weight, u=u, key=key)
        for i, (key, number, weight, u) in enumerate(rows, start=1)
    )


def _validate(applicants: Sequence[Applicant]) -> None:
    numbers = Counter(a.number for a in applicants)
    duplicated = sorted(n for n, count in numbers.items() if count > 1)
    if duplicated:
        raise ValueError(f"application numbers appear twice: {duplicated}")
    for a in applicants:
        texts = (a.district, a.category, a.booth_type, *a.zones)
        if any(_FORBIDDEN_IN_TEXT & set(text) for text in texts):
            raise ValueError(f"application {a.number}: a code contains , ; or a line break")
        if len(a.zones) > MAX_ZONE_CHOICES:
            raise ValueError(f"application {a.number}: more than {MAX_ZONE_CHOICES} zones")
