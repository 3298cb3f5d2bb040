"""The draw's data: its inputs, its result, the skip codes and the algorithm version."""

from collections.abc import Mapping
from dataclasses import dataclass, field

ALGORITHM_VERSION = "1"

SKIP_TYPE_FULL = "type_full"
SKIP_DISTRICT_MAX = "district_max"
SKIP_CATEGORY_MAX = "category_max"
SKIP_WOULD_BREAK_MINIMUM = "would_break_minimum"
SKIP_WITHDRAWN = "withdrawn"

MAX_ZONE_CHOICES = 3

Group = tuple[str, str, str]  # (district, category, booth type)


@dataclass(frozen=True)
class Applicant:
    """One eligible application, frozen at the deadline."""

    number: int
    district: str
    category: str
    booth_type: str
    zones: tuple[str, ...]  # ranked, best first, at most three
    stars: int
    misses: int  # consecutive previous unsuccessful applications in this fair series
    no_show_last: bool
    prime_last: bool  # held a prime booth at the last fair

    @property
    def group(self) -> Group:
        return (self.district, self.category, self.booth_type)


@dataclass(frozen=True)
class Quota:
    """How many booths a district or a category must get at least and may get at most."""

    minimum: int = 0
    maximum: int | None = None


@dataclass(frozen=True)
class Quotas:
    district: Mapping[str, Quota] = field(default_factory=dict)
    category: Mapping[str, Quota] = field(default_factory=dict)


@dataclass(frozen=True)
class DrawEntry:
    position: int  # 1-based place in the draw order
    number: int
    tickets: int
    u: float
    key: float


@dataclass(frozen=True)
class Skip:
    code: str  # one of the SKIP_* codes
    subject: str  # the booth type, district, category, or the minimums kept


@dataclass(frozen=True)
class Assignment:
    zone: str
    booth: int  # 1-based place along the zone


@dataclass(frozen=True)
class WaitlistEntry:
    position: int
    number: int


@dataclass(frozen=True)
class DrawResult:
    list_hash: str
    seed: str
    algorithm_version: str
    order: tuple[DrawEntry, ...]
    selected: tuple[int, ...]  # application numbers, in draw order
    assignments: Mapping[int, Assignment]
    skips: Mapping[int, Skip]
    waitlist: tuple[WaitlistEntry, ...]


@dataclass(frozen=True)
class Explanation:
    """One applicant's outcome as data, plus an English sentence."""

    position: int
    of: int
    tickets: int
    selected: bool
    skip: Skip | None
    waitlist_position: int | None
    assignment: Assignment | None
    sentence: str


class PolicyInfeasible(ValueError):
    """The quotas cannot all be met; ``problems`` names each failing quota."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems
