"""Fair booths: fairs and their booths, applications, the verifiable draw, and what
follows it (holdings, payments, attendance, sales)."""

from fairs.models.applications import (
    FRESH_PRODUCE,
    LIVE,
    Application,
    ApplicationStatus,
    FairCategory,
)
from fairs.models.draws import (
    Draw,
    DrawLine,
    FrozenEntry,
    FrozenList,
    Outcome,
    RandomSource,
)
from fairs.models.holdings import (
    OVERLAP_SQLSTATE,
    Attendance,
    DailySales,
    EndReason,
    Holding,
    HoldingKind,
    HoldingState,
    Payment,
    PaymentMethod,
)
from fairs.models.setup import (
    Booth,
    BoothType,
    Fair,
    FairSeries,
    Policy,
    PolicyQuota,
    QuotaKind,
    ReservedFor,
    Zone,
    manages_fairs,
)

__all__ = [
    "FRESH_PRODUCE",
    "LIVE",
    "OVERLAP_SQLSTATE",
    "Application",
    "ApplicationStatus",
    "Attendance",
    "Booth",
    "BoothType",
    "DailySales",
    "Draw",
    "DrawLine",
    "EndReason",
    "Fair",
    "FairCategory",
    "FairSeries",
    "FrozenEntry",
    "FrozenList",
    "Holding",
    "HoldingKind",
    "HoldingState",
    "Outcome",
    "Payment",
    "PaymentMethod",
    "Policy",
    "PolicyQuota",
    "QuotaKind",
    "RandomSource",
    "ReservedFor",
    "Zone",
    "manages_fairs",
]
