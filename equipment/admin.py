"""Django admin for the shared equipment, for provincial staff: the inventory, the
lending rules, non-working days, and the records of bookings and care.

Bookings, loans, overrides, refused requests, reminders and the waitlist are read-only
here: they are made through the pages so that the lending rules apply. Tickets, stocktakes,
suspensions, accepted terms and training are recorded through the care pages too;
here staff read them and correct their wording. Dates are B.E.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from equipment.models import (
    Booking,
    BookingRefusal,
    EquipmentType,
    EquipmentUnit,
    LendingSettings,
    Loan,
    MaintenanceTicket,
    NonWorkingDay,
    Reminder,
    RuleOverride,
    Stocktake,
    Suspension,
    TermsAcceptance,
    TermsVersion,
    TrainingSignoff,
    UnitPhoto,
    WaitlistEntry,
)
from members.admin_registry import BuddhistEraDates, be_date, be_datetime

EMPTY = "—"


def be_period(value) -> str:
    if not value:
        return EMPTY
    return f"{be_datetime(value.lower)} – {be_datetime(value.upper)}"


class EquipmentAdmin(BuddhistEraDates, admin.ModelAdmin):
    """B.E. dates typed and shown."""


class ReadOnlyAdmin(EquipmentAdmin):
    """Rows made by the pages (so the rules apply) or kept as a record: read here only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecordAdmin(EquipmentAdmin):
    """Recorded through the care pages; staff may correct the wording, not add or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- The inventory ----------------------------------------------------------------------------


class TermsVersionInline(BuddhistEraDates, admin.StackedInline):
    model = TermsVersion
    extra = 0
    fields = ("version", "effective_on", "text")
    can_delete = False


@admin.register(EquipmentType)
class EquipmentTypeAdmin(EquipmentAdmin):
    list_display = (
        "name",
        "booking_mode",
        "is_scarce",
        "requires_training",
        "service_interval_months",
        "unit_count",
    )
    list_filter = ("booking_mode", "is_scarce", "requires_training")
    search_fields = ("name",)
    inlines = [TermsVersionInline]
    fieldsets = (
        (None, {"fields": ("name", "description", "booking_mode")}),
        (
            _("Manual and checklists"),
            {
                "fields": (
                    "manual",
                    "safety",
                    "checkout_checklist",
                    "return_checklist",
                    "maintenance_plan",
                    "service_interval_months",
                )
            },
        ),
        (
            _("Lending rules"),
            {
                "fields": (
                    "requires_training",
                    "is_scarce",
                    ("min_duration", "max_duration"),
                    ("notice_working_days", "change_notice_days", "free_cancel_days"),
                    "max_advance_days",
                    "turnaround",
                    "max_active_per_producer",
                    "chain_gap_days",
                )
            },
        ),
        (_("Fees"), {"fields": ("loan_fee", "deposit", "late_fee_per_day")}),
    )

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(units_total=Count("units"))

    @admin.display(description=_("units"), ordering="units_total")
    def unit_count(self, equipment_type):
        return equipment_type.units_total


class UnitPhotoInline(admin.TabularInline):
    model = UnitPhoto
    extra = 0
    fields = ("preview", "stage", "caption", "uploaded_display")
    readonly_fields = fields
    can_delete = False
    ordering = ("-uploaded_at",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("photo"))
    def preview(self, photo):
        url = reverse("equipment:photo", args=[photo.token])
        return format_html(
            '<a href="{}"><img src="{}" alt="" width="120" height="90" loading="lazy"></a>',
            url,
            url,
        )

    @admin.display(description=_("uploaded"))
    def uploaded_display(self, photo):
        return be_datetime(photo.uploaded_at)


@admin.register(EquipmentUnit)
class EquipmentUnitAdmin(EquipmentAdmin):
    list_display = ("asset_number", "equipment_type", "location", "status", "status_reason")
    list_filter = ("status", "equipment_type")
    list_select_related = ("equipment_type",)
    search_fields = ("asset_number", "serial_number", "location")
    inlines = [UnitPhotoInline]
    # The status changes through the unit's care page, which flags its bookings.
    readonly_fields = ("status", "status_reason", "created_display")
    fields = (
        "equipment_type",
        "asset_number",
        "serial_number",
        ("grant_year_be", "grant_project"),
        ("value", "purchased_on"),
        "location",
        "status",
        "status_reason",
        "notes",
        "created_display",
    )

    @admin.display(description=_("created"))
    def created_display(self, unit):
        return be_datetime(unit.created_at)


@admin.register(LendingSettings)
class LendingSettingsAdmin(EquipmentAdmin):
    """One row: it cannot be added twice or deleted."""

    def has_add_permission(self, request):
        return not LendingSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(EquipmentAdmin):
    list_display = ("date_display", "weekday", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)
    ordering = ("-on",)

    @admin.display(description=_("date"), ordering="on")
    def date_display(self, day):
        return be_date(day.on)

    @admin.display(description=_("weekday"))
    def weekday(self, day):
        from django.utils.dates import WEEKDAYS

        return WEEKDAYS[day.on.weekday()]


# --- Care records -----------------------------------------------------------------------------


@admin.register(MaintenanceTicket)
class MaintenanceTicketAdmin(RecordAdmin):
    list_display = ("unit", "kind", "status", "opened", "closed", "vendor", "cost")
    list_filter = ("status", "kind", "unit__equipment_type")
    list_select_related = ("unit__equipment_type",)
    search_fields = ("unit__asset_number", "reason", "vendor", "resolution")
    fields = (
        "unit",
        "kind",
        "status",
        "reason",
        "loan",
        "opened",
        "opened_by",
        "closed",
        "closed_by",
        "resolution",
        "vendor",
        "cost",
    )
    readonly_fields = (
        "unit",
        "kind",
        "status",
        "loan",
        "opened",
        "opened_by",
        "closed",
        "closed_by",
    )

    @admin.display(description=_("opened"), ordering="opened_at")
    def opened(self, ticket):
        return be_datetime(ticket.opened_at)

    @admin.display(description=_("closed"), ordering="closed_at")
    def closed(self, ticket):
        return be_datetime(ticket.closed_at)


@admin.register(Stocktake)
class StocktakeAdmin(RecordAdmin):
    list_display = ("unit", "date_display", "found", "location_seen", "by")
    list_filter = ("found", "unit__equipment_type")
    list_select_related = ("unit__equipment_type", "by")
    search_fields = ("unit__asset_number", "location_seen", "notes")
    readonly_fields = ("unit", "date_display", "found", "by")
    fields = ("unit", "date_display", "found", "location_seen", "notes", "by")

    @admin.display(description=_("date"), ordering="on")
    def date_display(self, stocktake):
        return be_date(stocktake.on)


class InForceFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("In force")), ("no", _("Not in force"))]

    def queryset(self, request, queryset):
        in_force = Suspension.objects.in_force()
        if self.value() == "yes":
            return queryset.filter(pk__in=in_force)
        if self.value() == "no":
            return queryset.exclude(pk__in=in_force)
        return queryset


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ("producer", "starts", "ends", "reason", "created_by", "lifted")
    list_filter = (InForceFilter,)
    list_select_related = ("producer", "created_by")
    search_fields = ("producer__name", "reason")

    @admin.display(description=_("from"), ordering="starts_on")
    def starts(self, suspension):
        return be_date(suspension.starts_on)

    @admin.display(description=_("until"), ordering="ends_on")
    def ends(self, suspension):
        return be_date(suspension.ends_on)

    @admin.display(description=_("lifted"), ordering="lifted_at")
    def lifted(self, suspension):
        return be_datetime(suspension.lifted_at)


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("producer", "terms", "accepted_by_name", "accepted", "recorded_by")
    list_filter = ("terms__equipment_type",)
    list_select_related = ("producer", "terms__equipment_type", "recorded_by")
    search_fields = ("producer__name", "accepted_by_name")

    @admin.display(description=_("accepted"), ordering="accepted_at")
    def accepted(self, acceptance):
        return be_datetime(acceptance.accepted_at)


@admin.register(TrainingSignoff)
class TrainingSignoffAdmin(RecordAdmin):
    list_display = ("producer", "equipment_type", "trained", "trainer", "recorded_by")
    list_filter = ("equipment_type",)
    list_select_related = ("producer", "equipment_type", "recorded_by")
    search_fields = ("producer__name", "trainer")
    readonly_fields = ("producer", "equipment_type", "recorded_by")
    fields = ("producer", "equipment_type", "trained_on", "trainer", "recorded_by")

    @admin.display(description=_("trained on"), ordering="trained_on")
    def trained(self, signoff):
        return be_date(signoff.trained_on)


# --- Bookings and what hangs on them: read-only ----------------------------------------------


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("pk", "unit", "producer", "kind", "status", "period_display", "flagged")
    list_filter = ("status", "kind", "unit__equipment_type")
    list_select_related = ("unit__equipment_type", "producer")
    search_fields = ("unit__asset_number", "producer__name", "purpose")
    exclude = ("period", "blocked_period")
    readonly_fields = ("period_display", "blocked_display")

    @admin.display(description=_("period"), ordering="period")
    def period_display(self, booking):
        return be_period(booking.period)

    @admin.display(description=_("blocked period"))
    def blocked_display(self, booking):
        return be_period(booking.blocked_period)

    @admin.display(description=_("flagged"), boolean=True)
    def flagged(self, booking):
        return booking.flagged_at is not None


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ("unit", "producer", "out", "due", "back", "return_condition")
    list_filter = ("return_condition", "unit__equipment_type")
    list_select_related = ("unit__equipment_type", "booking__producer")
    search_fields = ("unit__asset_number", "booking__producer__name", "acknowledged_by")
    readonly_fields = ("photo_links",)

    @admin.display(description=_("producer"))
    def producer(self, loan):
        return loan.booking.producer

    @admin.display(description=_("checked out"), ordering="checked_out_at")
    def out(self, loan):
        return be_datetime(loan.checked_out_at)

    @admin.display(description=_("due back"), ordering="due_at")
    def due(self, loan):
        return be_datetime(loan.due_at)

    @admin.display(description=_("returned"), ordering="returned_at")
    def back(self, loan):
        return be_datetime(loan.returned_at)

    @admin.display(description=_("photos"))
    def photo_links(self, loan):
        return format_html_join(
            " ",
            '<a href="{}">{}</a>',
            (
                (reverse("equipment:photo", args=[photo.token]), photo.get_stage_display())
                for photo in loan.photos.all()
            ),
        )


@admin.register(RuleOverride)
class RuleOverrideAdmin(ReadOnlyAdmin):
    list_display = ("booking", "rule", "reason", "by", "when")
    list_filter = ("rule",)
    list_select_related = ("booking__unit__equipment_type", "by")

    @admin.display(description=_("when"), ordering="at")
    def when(self, override):
        return be_datetime(override.at)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("booking", "kind", "sent", "emailed_to")
    list_select_related = ("booking__unit__equipment_type",)
    search_fields = ("kind", "emailed_to")

    @admin.display(description=_("sent"), ordering="sent_at")
    def sent(self, reminder):
        return be_datetime(reminder.sent_at)


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    list_display = ("unit", "producer", "period_display", "status", "joined")
    list_filter = ("status", "unit__equipment_type")
    list_select_related = ("unit__equipment_type", "producer")
    exclude = ("period",)
    readonly_fields = ("period_display",)

    @admin.display(description=_("period wanted"))
    def period_display(self, entry):
        return be_period(entry.period)

    @admin.display(description=_("joined"), ordering="created_at")
    def joined(self, entry):
        return be_datetime(entry.created_at)


@admin.register(BookingRefusal)
class BookingRefusalAdmin(ReadOnlyAdmin):
    list_display = ("unit", "producer", "period_display", "rules", "refused")
    list_filter = ("unit__equipment_type",)
    list_select_related = ("unit__equipment_type", "producer")
    search_fields = ("producer__name", "rules", "reasons")
    exclude = ("period",)
    readonly_fields = ("period_display",)

    @admin.display(description=_("period asked for"))
    def period_display(self, refusal):
        return be_period(refusal.period)

    @admin.display(description=_("refused"), ordering="refused_at")
    def refused(self, refusal):
        return be_datetime(refusal.refused_at)
