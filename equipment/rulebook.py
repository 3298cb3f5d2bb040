"""The lending rules R1–R24 in plain words, as they apply to one equipment type.

Self-contained on purpose: the booking page shows these, and the printable rule booklet
reuses them. Each rule is (code, title, text); the numbers come from the type and the
network-wide LendingSettings, so the words always match what the rule checks do.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from otop_portal.lib.thaidate import format_numeric_date


def _amount(value) -> str:
    return f"{value:,.2f}"


def _length(equipment_type, n: int) -> str:
    if equipment_type.is_hourly:
        return ngettext("%(n)s hour", "%(n)s hours", n) % {"n": n}
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def _eligibility(equipment_type, settings) -> str:
    text = _(
        "The producer must be an active member of the network with at least one registered "
        "product, and must have accepted the current terms of use of %(type)s."
    ) % {"type": equipment_type.name}
    terms = equipment_type.current_terms()
    if terms:
        text += " " + _("Current terms: version %(version)s, in force from %(date)s.") % {
            "version": terms.version,
            "date": format_numeric_date(terms.effective_on),
        }
    if equipment_type.requires_training:
        text += " " + _("This machine also needs a training sign-off for the producer.")
    return text


def _notice(equipment_type, settings) -> str:
    return _(
        "Book at least %(book)s working days ahead. Change a booking at least %(change)s days "
        "before it starts. Cancel up to %(cancel)s day(s) before the start; later, only "
        "provincial staff can cancel."
    ) % {
        "book": equipment_type.notice_working_days,
        "change": equipment_type.change_notice_days,
        "cancel": equipment_type.free_cancel_days,
    }


def _turnaround(equipment_type, settings) -> str:
    if equipment_type.is_hourly:
        return ngettext(
            "After each slot the machine rests for %(n)s minute for cleaning.",
            "After each slot the machine rests for %(n)s minutes for cleaning.",
            equipment_type.turnaround,
        ) % {"n": equipment_type.turnaround}
    return ngettext(
        "After each loan the machine stays at the office for %(n)s working day for cleaning "
        "and inspection.",
        "After each loan the machine stays at the office for %(n)s working days for cleaning "
        "and inspection.",
        equipment_type.turnaround,
    ) % {"n": equipment_type.turnaround}


def _approval(equipment_type, settings) -> str:
    if equipment_type.is_scarce:
        return _("This is a scarce machine: every booking waits for an approver.")
    if equipment_type.requires_training:
        return _("This machine needs training: every booking waits for an approver.")
    reasons = []
    if settings.approval_first_booking:
        reasons.append(_("a producer's first booking"))
    if not equipment_type.is_hourly:
        reasons.append(_("bookings longer than %(n)s days") % {"n": settings.approval_over_days})
    reasons.append(_("requests that compete with another request for the same time"))
    return _("These wait for an approver: %(list)s. Other requests are approved at once.") % {
        "list": ", ".join(str(reason) for reason in reasons)
    }


def _fees(equipment_type, settings) -> str:
    if not (equipment_type.loan_fee or equipment_type.deposit or equipment_type.late_fee_per_day):
        return _("No fee, no deposit and no late fee.")
    return _(
        "Fee %(fee)s baht per booking, deposit %(deposit)s baht, late fee %(late)s baht per day."
    ) % {
        "fee": _amount(equipment_type.loan_fee),
        "deposit": _amount(equipment_type.deposit),
        "late": _amount(equipment_type.late_fee_per_day),
    }


def _maintenance(equipment_type, settings) -> str:
    months = equipment_type.service_interval_months
    if not months:
        return _("No periodic service is planned for this type; repairs are made as needed.")
    return ngettext(
        "Each unit is serviced every %(n)s month; a unit whose service is overdue is not lent.",
        "Each unit is serviced every %(n)s months; a unit whose service is overdue is not lent.",
        months,
    ) % {"n": months}


def rules_in_words(equipment_type, settings) -> list[tuple[str, str, str]]:
    """Every rule R1–R24 as it applies to `equipment_type`: (code, title, text)."""
    t, s = equipment_type, settings
    return [
        ("R1", _("Who may book"), _eligibility(t, s)),
        (
            "R2",
            _("Shortest booking"),
            _("A booking lasts at least %(length)s.") % {"length": _length(t, t.min_duration)},
        ),
        (
            "R3",
            _("Longest booking"),
            _("A booking lasts at most %(length)s.") % {"length": _length(t, t.max_duration)},
        ),
        ("R4", _("Notice"), _notice(t, s)),
        (
            "R5",
            _("How far ahead"),
            _("Book at most %(n)s days ahead.") % {"n": t.max_advance_days},
        ),
        ("R6", _("Turnaround"), _turnaround(t, s)),
        (
            "R7",
            _("Bookings at the same time"),
            _(
                "A producer may hold at most %(type_max)s active booking(s) of this type and "
                "%(total)s active bookings of all machines."
            )
            % {"type_max": t.max_active_per_producer, "total": s.max_active_total},
        ),
        (
            "R8",
            _("Fair share"),
            _("At most %(cap)s booked days in any %(window)s days, all machines together.")
            % {"cap": s.rolling_cap_days, "window": s.rolling_window_days},
        ),
        (
            "R9",
            _("No chain-booking"),
            _(
                "Leave %(n)s days between two bookings of this type when other producers are "
                "waiting for it."
            )
            % {"n": t.chain_gap_days},
        ),
        ("R10", _("Approval"), _approval(t, s)),
        (
            "R11",
            _("Competing requests"),
            _(
                "Requests for the same time may compete. The approver gives the machine first to "
                "the producer with the fewest booked days in the last %(n)s days, then to the "
                "district served least, then to the first request. Approving one rejects the "
                "others for that time."
            )
            % {"n": s.fairness_window_days},
        ),
        (
            "R12",
            _("Working days"),
            _(
                "Pickup and return happen on working days, %(opens)s–%(closes)s; not on "
                "weekends, public holidays or office closures. A loan may span them."
            )
            % {
                "opens": s.office_opens.strftime("%H:%M"),
                "closes": s.office_closes.strftime("%H:%M"),
            },
        ),
        (
            "R13",
            _("Recurring bookings"),
            _("Only provincial staff can make recurring bookings."),
        ),
        (
            "R14",
            _("Check-out"),
            _(
                "Staff hand the machine over with a checklist and photos; the borrower confirms "
                "its condition."
            ),
        ),
        (
            "R15",
            _("Return"),
            _(
                "Staff take the machine back with a checklist, photos, its condition and a "
                "confirmation that it was cleaned. A damaged machine goes to repair."
            ),
        ),
        (
            "R16",
            _("Early return"),
            _("Returning early frees the machine for others from that moment."),
        ),
        (
            "R17",
            _("Reminders"),
            _(
                "Reminders go out the day before pickup, the day before and on the due day, and "
                "daily while a loan is overdue."
            ),
        ),
        (
            "R18",
            _("Not picked up"),
            _(
                "A booking not picked up %(n)s working hours after its start is released and "
                "counts as a no-show."
            )
            % {"n": s.no_show_hours},
        ),
        (
            "R19",
            _("Overdue loans and suspension"),
            _(
                "A producer with an overdue loan cannot book. A return %(late)s or more days "
                "late, or %(count)s no-shows or late returns within %(window)s days, suspend "
                "the producer for %(days)s days."
            )
            % {
                "late": s.suspend_late_days,
                "count": s.suspend_no_shows,
                "window": s.suspend_window_days,
                "days": s.suspend_for_days,
            }
            + (
                " " + _("Returning a machine damaged also suspends the producer.")
                if s.suspend_on_damage
                else ""
            ),
        ),
        ("R20", _("Fees and deposit"), _fees(t, s)),
        (
            "R21",
            _("Waitlist"),
            _(
                "When the time you want is taken, join the waitlist. When it frees, the first "
                "in line is offered it and holds it for %(n)s hours."
            )
            % {"n": s.waitlist_hold_hours}
            if s.waitlist_enabled
            else _("The waitlist is turned off."),
        ),
        ("R22", _("Preventive maintenance"), _maintenance(t, s)),
        (
            "R23",
            _("Stocktake"),
            _("Every unit is checked at a stocktake every %(n)s months.")
            % {"n": s.stocktake_months},
        ),
        (
            "R24",
            _("Staff override"),
            _(
                "Provincial staff may set aside rules R2–R10 for one booking with a written "
                "reason, which is kept. Nobody can set aside eligibility, the turnaround or "
                "another booking of the same time."
            ),
        ),
    ]
