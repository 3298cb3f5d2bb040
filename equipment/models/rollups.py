"""The use report's closed months, kept.

A year's use report counts the loan-days of some 50,000 loans and 55,000 bookings at
national size: a third of a second of SQL each time it is opened. A month that has
ended does not change unless someone edits its loans, bookings or closure days, so
its figures per unit are computed once, when a report first asks for the month, and
kept here; a report adds the kept months to what it counts live (the days before the
first whole month and from the current month on). Loan-days of a day belong to one
month, so months add up exactly.

Triggers on loans, bookings and non-working days forget every kept month that a
change touches (`equipment_use_months_stale`, in migration 0005), and an advisory
lock orders the forgetting against the keeping, so a month is never kept from data a
concurrent change is about to replace (equipment/reports.py, `_keep_months`).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# pg_advisory_xact_lock key: writers touching an ended month hold it shared, the report
# keeping months holds it exclusively. ("USE" in ASCII, to be recognisable in pg_locks.)
USE_MONTHS_LOCK = 0x555345


class UseMonth(models.Model):
    """A month (Bangkok time) whose figures are kept for every unit."""

    month = models.DateField(_("month"), primary_key=True)  # its first day
    working_days = models.PositiveSmallIntegerField(_("working days"))
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("kept month of the use report")
        verbose_name_plural = _("kept months of the use report")
        constraints = [
            models.CheckConstraint(name="use_month_first_day", condition=models.Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class UnitUseMonth(models.Model):
    """One unit's figures in a kept month (a unit with none has no row)."""

    unit = models.ForeignKey(
        "equipment.EquipmentUnit",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("unit"),
    )
    month = models.DateField(_("month"))
    loans = models.PositiveIntegerField(_("loans"))
    used_days = models.PositiveIntegerField(_("loan-days used"))
    booked_days = models.PositiveIntegerField(_("loan-days booked"))
    maintenance_days = models.PositiveIntegerField(_("maintenance days"))
    downtime_days = models.FloatField(_("downtime days"))

    class Meta:
        verbose_name = _("unit's kept month of the use report")
        verbose_name_plural = _("units' kept months of the use report")
        constraints = [
            models.UniqueConstraint(fields=["month", "unit"], name="unit_use_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"


# --- What forgets them -----------------------------------------------------------------

# equipment_use_months_stale(lo, hi): forget the kept months (Bangkok time, the portal's
# TIME_ZONE: a test holds them equal) that the moments lo..hi touch (hi NULL: no end).
# Every write takes the lock shared (shared holders never wait for each other), so a
# report keeping a month, which only tries the lock exclusively, never counts a month
# while a write that touches it is still open. For the writes of every day (bookings
# ahead, check-outs and returns now) the months touched are not kept: the DELETEs find
# nothing.
STALE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION equipment_use_months_stale(lo timestamptz, hi timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    first_month date := date_trunc('month', lo AT TIME ZONE 'Asia/Bangkok')::date;
    last_month date :=
        date_trunc('month', coalesce(hi, 'infinity') AT TIME ZONE 'Asia/Bangkok')::date;
BEGIN
    IF lo IS NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock_shared({USE_MONTHS_LOCK});
    DELETE FROM equipment_unitusemonth WHERE month BETWEEN first_month AND last_month;
    DELETE FROM equipment_usemonth WHERE month BETWEEN first_month AND last_month;
END
$$;
"""  # noqa: S608 - the lock key is a constant
DROP_STALE_FUNCTION = (
    "DROP FUNCTION IF EXISTS equipment_use_months_stale(timestamptz, timestamptz);"
)

# The triggers' bodies (pgtrigger.Trigger func), on the tables the use report reads.
LOAN_STALE = """
    IF TG_OP = 'UPDATE' AND NEW.unit_id = OLD.unit_id
       AND NEW.checked_out_at = OLD.checked_out_at THEN
        -- a return, or its correction: only the days between the two ends changed
        IF NEW.returned_at IS DISTINCT FROM OLD.returned_at THEN
            PERFORM equipment_use_months_stale(
                least(coalesce(OLD.returned_at, 'infinity'), coalesce(NEW.returned_at, 'infinity')),
                nullif(greatest(coalesce(OLD.returned_at, 'infinity'),
                                coalesce(NEW.returned_at, 'infinity')), 'infinity'));
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM equipment_use_months_stale(OLD.checked_out_at, OLD.returned_at);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM equipment_use_months_stale(NEW.checked_out_at, NEW.returned_at);
    END IF;
    RETURN NULL;
"""
BOOKING_STALE = """
    IF TG_OP = 'UPDATE' AND NEW.unit_id = OLD.unit_id AND NEW.kind = OLD.kind
       AND NEW.status = OLD.status AND NEW.period = OLD.period THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM equipment_use_months_stale(lower(OLD.period), upper(OLD.period));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM equipment_use_months_stale(lower(NEW.period), upper(NEW.period));
    END IF;
    RETURN NULL;
"""
CLOSURE_STALE = """
    IF TG_OP = 'UPDATE' AND NEW."on" = OLD."on" THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM equipment_use_months_stale(OLD."on"::timestamptz, OLD."on"::timestamptz);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM equipment_use_months_stale(NEW."on"::timestamptz, NEW."on"::timestamptz);
    END IF;
    RETURN NULL;
"""
