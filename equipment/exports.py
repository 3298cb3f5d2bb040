"""Equipment report exports: the rows each report page shows, written by the shared
CSV/XLSX mechanism (otop_portal.lib.exports)."""

from django.utils.translation import gettext_lazy as _

from equipment import reports
from otop_portal.lib.exports import Column, Export


def _district_name(district) -> str:
    return district.name if district else ""


def use_export(use: reports.Use) -> Export:
    rows = [*use.units, use.total]
    return Export(
        filename=_("machine use"),
        columns=[
            Column(_("Type"), lambda r: r.type_name),
            Column(_("Unit"), lambda r: r.label, kind="id"),
            Column(_("Status"), lambda r: r.status),
            Column(_("Loans"), lambda r: r.loans, kind="int"),
            Column(_("Days used"), lambda r: r.used_days, kind="int"),
            Column(_("Days booked"), lambda r: r.booked_days, kind="int"),
            Column(_("Maintenance days"), lambda r: r.maintenance_days, kind="int"),
            Column(_("Days available"), lambda r: r.available_days, kind="int"),
            Column(_("Utilisation %"), lambda r: r.utilisation, kind="decimal"),
            Column(_("Availability %"), lambda r: r.availability, kind="decimal"),
        ],
        rows=rows,
    )


def idle_export(idle: reports.Idle) -> Export:
    return Export(
        filename=_("idle machines"),
        columns=[
            Column(_("Type"), lambda r: r.unit.equipment_type.name),
            Column(_("Unit"), lambda r: r.unit.asset_number, kind="id"),
            Column(_("Host location"), lambda r: r.unit.location),
            Column(_("Last returned"), lambda r: r.last_used, kind="date"),
            Column(_("Days without a loan"), lambda r: r.idle_days, kind="int"),
            Column(_("Idle for at least (days)"), lambda r: r.threshold, kind="int"),
            Column(_("Reason"), lambda r: r.reason),
        ],
        rows=idle.units,
    )


def served_export(served: reports.Served) -> Export:
    return Export(
        filename=_("producers served"),
        columns=[
            Column(_("Type"), lambda r: r.label),
            Column(_("Producers served"), lambda r: r.served, kind="int"),
            Column(_("New"), lambda r: r.new, kind="int"),
            Column(_("Returning"), lambda r: r.returning, kind="int"),
            Column(_("Served since the start"), lambda r: r.ever, kind="int"),
        ],
        rows=[*served.types, served.total],
    )


def districts_export(result: reports.Districts) -> Export:
    return Export(
        filename=_("machine use by district"),
        columns=[
            Column(_("District"), lambda r: _district_name(r.district) or _("All districts")),
            Column(_("Loans"), lambda r: r.loans, kind="int"),
            Column(_("Loan-days"), lambda r: r.loan_days, kind="int"),
            Column(_("Producers served"), lambda r: r.producers, kind="int"),
            Column(_("Registered producers"), lambda r: r.registered, kind="int"),
            Column(_("Share of loan-days %"), lambda r: r.loan_day_share, kind="decimal"),
            Column(_("Share of producers served %"), lambda r: r.served_share, kind="decimal"),
            Column(
                _("Share of registered producers %"), lambda r: r.registered_share, kind="decimal"
            ),
            Column(_("Loan-days ratio"), lambda r: r.ratio, kind="decimal"),
            Column(_("Producers served ratio"), lambda r: r.served_ratio, kind="decimal"),
            Column(_("No loans"), lambda r: _("Yes") if r.district and r.flagged else ""),
        ],
        rows=[*result.rows, result.total],
    )


def concentration_export(result: reports.Concentration, user) -> Export:
    def name(borrower):
        if reports.may_see_name(user, borrower):
            return borrower.name
        return _("another district's producer")

    return Export(
        filename=_("top borrowers"),
        columns=[
            Column(_("Rank"), lambda r: result.top.index(r) + 1, kind="int"),
            Column(_("Producer"), name),
            Column(_("District"), lambda r: _district_name(r.district)),
            Column(_("Loans"), lambda r: r.loans, kind="int"),
            Column(_("Loan-days"), lambda r: r.loan_days, kind="int"),
            Column(_("Share of loan-days %"), lambda r: r.share, kind="decimal"),
        ],
        rows=result.top,
    )


def unmet_export(result: reports.Unmet) -> Export:
    return Export(
        filename=_("unmet demand"),
        columns=[
            Column(_("Type"), lambda r: r.type_name),
            Column(_("Month"), lambda r: r.month_label),
            Column(_("Rejected"), lambda r: r.rejected, kind="int"),
            Column(_("Waitlisted"), lambda r: r.waitlisted, kind="int"),
            Column(_("Not picked up"), lambda r: r.no_show, kind="int"),
            Column(_("Time taken"), lambda r: r.taken, kind="int"),
            Column(_("Over quota"), lambda r: r.over_quota, kind="int"),
            Column(_("Total"), lambda r: r.total, kind="int"),
        ],
        rows=[*result.rows, result.total],
    )


def discipline_export(result: reports.Discipline) -> Export:
    return Export(
        filename=_("borrower discipline"),
        columns=[
            Column(_("Type"), lambda r: r.label),
            Column(_("Bookings given a slot"), lambda r: r.committed, kind="int"),
            Column(_("Not picked up"), lambda r: r.no_shows, kind="int"),
            Column(_("No-show %"), lambda r: r.no_show_rate, kind="decimal"),
            Column(_("Loans returned"), lambda r: r.returned, kind="int"),
            Column(_("Returned late"), lambda r: r.late, kind="int"),
            Column(_("Late-return %"), lambda r: r.late_rate, kind="decimal"),
            Column(_("Average days late"), lambda r: r.average_days_late, kind="decimal"),
            Column(_("Returned damaged"), lambda r: r.damaged, kind="int"),
            Column(_("Damage per 100 loans"), lambda r: r.damage_per_100, kind="decimal"),
        ],
        rows=[*result.types, result.total],
    )


def maintenance_export(result: reports.Maintenance) -> Export:
    return Export(
        filename=_("maintenance cost"),
        columns=[
            Column(_("Type"), lambda r: r.unit.equipment_type.name),
            Column(_("Unit"), lambda r: r.unit.asset_number, kind="id"),
            Column(_("Maintenance cost"), lambda r: r.cost, kind="decimal"),
            Column(_("Loans"), lambda r: r.loans, kind="int"),
            Column(_("Cost per loan"), lambda r: r.cost_per_loan, kind="decimal"),
            Column(_("Preventive service due"), lambda r: r.service_due, kind="date"),
            Column(_("Days overdue"), lambda r: r.overdue_days, kind="int"),
        ],
        rows=result.rows,
    )
