"""Django admin for the fairs, for provincial staff.

Setting a fair up can be done here too: series, fairs with their zones and booth types,
booths (with the reservations) and draft policy versions with their quotas. Once a
fair's list is frozen, what its draw rests on — the window, the zones, booth types and
booths — no longer changes here, and a published policy version never does.

Everything else is the pages' and the services' (so the rules, the reasons and the
second person apply): applications are reviewed on the review page; the frozen list,
the random source, the draws and their lines, payments, holdings, attendance and daily
sales are read here only. The draw's records and payments are append-only in the
database anyway. Nothing of a fair is deleted here, but for a booth of a fair not yet
frozen. Dates are B.E.
"""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from fairs.models import (
    Application,
    Attendance,
    Booth,
    BoothType,
    DailySales,
    Draw,
    DrawLine,
    Fair,
    FairSeries,
    FrozenEntry,
    FrozenList,
    Holding,
    Payment,
    Policy,
    PolicyQuota,
    RandomSource,
    Zone,
)
from members.admin_registry import BuddhistEraDates, ProvinceDistrictFilter, be_date, be_datetime


def _frozen(fair) -> bool:
    return fair is not None and FrozenList.objects.filter(fair=fair).exists()


class FairsAdmin(BuddhistEraDates, admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(FairsAdmin):
    """Records the services write: listed and opened, never added or changed here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Setting a fair up -----------------------------------------------------------------


@admin.register(FairSeries)
class FairSeriesAdmin(FairsAdmin):
    list_display = ("name", "name_en")
    search_fields = ("name", "name_en")


class FrozenFairInline(BuddhistEraDates, admin.TabularInline):
    """A fair's zones or booth types: fixed once its list is frozen."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return not _frozen(obj)

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj)


class ZoneInline(FrozenFairInline):
    model = Zone
    fields = ("code", "name", "is_prime", "colour")


class BoothTypeInline(FrozenFairInline):
    model = BoothType
    fields = ("code", "name", "width_m", "depth_m", "fee", "has_power", "has_water")


@admin.register(Fair)
class FairAdmin(FairsAdmin):
    list_display = ("name", "series", "days", "window", "venue", "frozen")
    list_filter = ("series",)
    search_fields = ("name", "venue", "series__name")
    list_select_related = ("series",)
    date_hierarchy = "starts_on"
    inlines = [ZoneInline, BoothTypeInline]
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(is_frozen=Exists(FrozenList.objects.filter(fair=OuterRef("pk"))))
        )

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if _frozen(obj):
            # The draw rests on the series (last fair's history) and the window.
            fields += ("series", "applications_open_on", "applications_close_on", "lottery_date")
        return fields

    @admin.display(description=_("fair days"), ordering="starts_on")
    def days(self, obj):
        return f"{be_date(obj.starts_on)} – {be_date(obj.ends_on)}"

    @admin.display(description=_("applications"), ordering="applications_open_on")
    def window(self, obj):
        return f"{be_date(obj.applications_open_on)} – {be_date(obj.applications_close_on)}"

    @admin.display(description=_("list frozen"), boolean=True)
    def frozen(self, obj):
        return obj.is_frozen


@admin.register(Booth)
class BoothAdmin(FairsAdmin):
    list_display = ("code", "fair", "zone", "booth_type", "order", "x", "y", "reserved_for")
    list_filter = ("fair", "zone__code", "booth_type__code", "reserved_for")
    search_fields = ("code", "reserved_note", "fair__name")
    list_select_related = ("fair", "zone", "booth_type")
    ordering = ("fair", "zone__code", "order", "code")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("zone", "booth_type"):
            # Each shown with its fair, so the right fair's zone can be told apart.
            kwargs["queryset"] = db_field.related_model.objects.select_related("fair")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _frozen(
            obj.fair if obj else None
        )

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None
            and admin.ModelAdmin.has_delete_permission(self, request, obj)
            and not _frozen(obj.fair)
            and not obj.holdings.exists()
            and not obj.draw_lines.exists()
        )


class PolicyQuotaInline(admin.TabularInline):
    """A draft's quotas; a published version's are read only."""

    model = PolicyQuota
    extra = 0
    fields = ("kind", "key", "minimum", "maximum")

    def has_add_permission(self, request, obj=None):
        return obj is not None and not obj.is_published

    def has_change_permission(self, request, obj=None):
        return obj is not None and not obj.is_published

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.is_published


@admin.register(Policy)
class PolicyAdmin(FairsAdmin):
    """A new version starts on the fair's policy page (a copy of the latest) and is
    published there; a draft's rules and quotas can be edited here. A published
    version is what applicants were told and what the frozen list used: it never
    changes."""

    list_display = ("fair", "version", "published", "published_by", "offer_hours", "payment_days")
    list_filter = ("fair",)
    list_select_related = ("fair", "published_by")
    readonly_fields = ("fair", "version", "published_at", "published_by")
    inlines = [PolicyQuotaInline]

    @admin.display(description=_("published"), ordering="published_at")
    def published(self, obj):
        return be_datetime(obj.published_at)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_published)


# --- Applications (reviewed on the pages) ------------------------------------------------


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Applications are submitted, changed, withdrawn and reviewed on the fair pages
    (the services check the window, the one-per-producer rule and the reasons)."""

    list_display = (
        "number",
        "fair",
        "producer",
        "district",
        "category",
        "booth_type",
        "status",
        "submitted",
        "submitted_by",
    )
    list_filter = ("fair", "status", "category", ("district", ProvinceDistrictFilter), "on_behalf")
    search_fields = ("producer__name", "=number", "review_reason", "products_note")
    list_select_related = ("fair", "producer", "district", "booth_type", "submitted_by")
    ordering = ("-fair__starts_on", "number")

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted(self, obj):
        return be_datetime(obj.submitted_at)


# --- The draw's records (append-only) -----------------------------------------------------


class FrozenEntryInline(ReadOnlyInline):
    model = FrozenEntry
    fields = (
        "number",
        "district",
        "category",
        "booth_type_code",
        "zone_codes",
        "stars",
        "misses",
        "no_show_last",
        "prime_last",
        "tickets",
    )


@admin.register(FrozenList)
class FrozenListAdmin(ReadOnlyAdmin):
    list_display = ("fair", "list_hash", "algorithm_version", "frozen", "frozen_by")
    list_select_related = ("fair", "frozen_by")
    inlines = [FrozenEntryInline]

    @admin.display(description=_("frozen"), ordering="frozen_at")
    def frozen(self, obj):
        return be_datetime(obj.frozen_at)


@admin.register(FrozenEntry)
class FrozenEntryAdmin(ReadOnlyAdmin):
    list_display = ("number", "frozen_list", "district", "category", "booth_type_code", "tickets")
    list_filter = ("frozen_list__fair", "category", ("district", ProvinceDistrictFilter))
    list_select_related = ("frozen_list__fair", "district")


@admin.register(RandomSource)
class RandomSourceAdmin(ReadOnlyAdmin):
    list_display = ("fair", "text", "entered_by", "entered", "confirmed_by", "confirmed")
    list_filter = ("fair",)
    list_select_related = ("fair", "entered_by", "confirmed_by")

    @admin.display(description=_("typed in"), ordering="entered_at")
    def entered(self, obj):
        return be_datetime(obj.entered_at)

    @admin.display(description=_("confirmed"), ordering="confirmed_at")
    def confirmed(self, obj):
        return be_datetime(obj.confirmed_at)


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    list_display = ("fair", "official", "run", "run_by", "published", "seed")
    list_filter = ("fair", "official")
    list_select_related = ("fair", "run_by")

    @admin.display(description=_("run"), ordering="run_at")
    def run(self, obj):
        return be_datetime(obj.run_at)

    @admin.display(description=_("published"), ordering="published_at")
    def published(self, obj):
        return be_datetime(obj.published_at)


@admin.register(DrawLine)
class DrawLineAdmin(ReadOnlyAdmin):
    list_display = ("position", "draw", "application", "tickets", "outcome", "booth", "reason")
    list_filter = ("draw__fair", "draw__official", "outcome")
    search_fields = ("application__producer__name", "reason")
    list_select_related = ("draw__fair", "application__producer", "booth")


# --- After the draw -----------------------------------------------------------------------


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("amount", "method", "reference", "note", "corrects", "received_by", "received_at")


@admin.register(Holding)
class HoldingAdmin(ReadOnlyAdmin):
    """Who holds which booth. The state follows from the clock (an offer not answered
    in time is over), so it is shown as it is now."""

    list_display = (
        "booth",
        "fair",
        "application",
        "kind",
        "state",
        "offered",
        "offer_expires",
        "fee",
        "ended",
        "end_reason",
    )
    list_filter = ("fair", "kind", "end_reason")
    search_fields = ("booth__code", "application__producer__name", "note")
    list_select_related = ("booth", "fair", "application__producer")
    readonly_fields = ("state",)
    inlines = [PaymentInline]

    @admin.display(description=_("state"))
    def state(self, obj):
        return obj.state_label()

    @admin.display(description=_("offered"), ordering="offered_at")
    def offered(self, obj):
        return be_datetime(obj.offered_at)

    @admin.display(description=_("offer expires"), ordering="offer_expires_at")
    def offer_expires(self, obj):
        return be_datetime(obj.offer_expires_at)

    @admin.display(description=_("ended"), ordering="ended_at")
    def ended(self, obj):
        return be_datetime(obj.ended_at)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("holding", "amount", "method", "reference", "received", "received_by")
    list_filter = ("holding__fair", "method")
    search_fields = ("reference", "holding__application__producer__name")
    list_select_related = ("holding__booth", "holding__application", "received_by")

    @admin.display(description=_("received"), ordering="received_at")
    def received(self, obj):
        return be_datetime(obj.received_at)


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("day_be", "application", "holding", "present", "recorded_by")
    list_filter = ("holding__fair", "present", "day")
    search_fields = ("application__producer__name",)
    list_select_related = ("application__producer", "holding__booth", "recorded_by")

    @admin.display(description=_("day"), ordering="day")
    def day_be(self, obj):
        return be_date(obj.day)


@admin.register(DailySales)
class DailySalesAdmin(ReadOnlyAdmin):
    list_display = ("day_be", "application", "holding", "amount", "recorded_by")
    list_filter = ("holding__fair", "day")
    search_fields = ("application__producer__name",)
    list_select_related = ("application__producer", "holding__booth", "recorded_by")

    @admin.display(description=_("day"), ordering="day")
    def day_be(self, obj):
        return be_date(obj.day)
