"""Django admin for committees and activities, for provincial staff: terms with their
seats, activities with their participants and action-plan items, filtered by level,
district and dates. Lists take the same number of queries whatever their length."""

from collections import Counter

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from members.admin_registry import (
    BuddhistEraDates,
    ProvinceDistrictFilter,
    RegistryAdmin,
    be_date,
    province_districts,
)
from members.models import (
    ActionItem,
    Activity,
    CommitteeLevel,
    CommitteeSeat,
    CommitteeTerm,
    District,
    NetworkSettings,
    Participant,
    SeatRole,
)


class ProvinceDistricts:
    """District choices of an inline: the portal's province, not the whole country."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is District:
            kwargs["queryset"] = province_districts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SeatFormSet(BaseInlineFormSet):
    """The rules that hold across a term's seats, checked on all the seats as they will
    be saved: one chair, and on the provincial committee at most N representatives per
    district (advisors do not count)."""

    def clean(self):
        super().clean()
        seats = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if sum(1 for seat in seats if seat.get("role") == SeatRole.CHAIR) > 1:
            raise ValidationError(_("This committee term already has a chair."))
        if self.instance.level != CommitteeLevel.PROVINCE:
            return
        limit = NetworkSettings.current().representatives_per_district
        counts = Counter(
            seat["represents"]
            for seat in seats
            if seat.get("represents") and seat.get("role") != SeatRole.ADVISOR
        )
        for district, count in sorted(counts.items(), key=lambda item: item[0].code):
            if count > limit:
                raise ValidationError(
                    _(
                        "%(district)s has %(count)d representatives on this provincial "
                        "committee; the network's setting allows %(limit)d per district."
                    )
                    % {"district": district.name, "count": count, "limit": limit}
                )


class CommitteeSeatInline(ProvinceDistricts, BuddhistEraDates, admin.TabularInline):
    model = CommitteeSeat
    formset = SeatFormSet
    fields = ("person", "role", "represents", "producer", "user", "starts_on", "ends_on")
    autocomplete_fields = ("person", "producer", "user")
    extra = 0


@admin.register(CommitteeTerm)
class CommitteeTermAdmin(RegistryAdmin):
    list_display = (
        "__str__",
        "level",
        "district",
        "starts_display",
        "ends_display",
        "seat_count",
        "appointment_ref",
    )
    list_filter = ("level", ("district", ProvinceDistrictFilter), "starts_on", "ends_on")
    list_select_related = ("district",)
    search_fields = ("appointment_ref", "seats__person__first_name", "seats__person__last_name")
    inlines = (CommitteeSeatInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(seat_count=Count("seats"))

    @admin.display(description=_("term starts"), ordering="starts_on")
    def starts_display(self, term):
        return be_date(term.starts_on)

    @admin.display(description=_("term ends"), ordering="ends_on")
    def ends_display(self, term):
        return be_date(term.ends_on)

    @admin.display(description=_("seats"), ordering="seat_count")
    def seat_count(self, term):
        return term.seat_count


class ParticipantInline(BuddhistEraDates, admin.TabularInline):
    model = Participant
    fields = ("person", "capacity", "invited_on", "attended", "attendance_note")
    autocomplete_fields = ("person",)
    extra = 0


class ActionItemInline(ProvinceDistricts, BuddhistEraDates, admin.TabularInline):
    model = ActionItem
    fields = ("district", "text", "owner_person", "owner_name", "due_on", "done_on")
    autocomplete_fields = ("owner_person",)
    extra = 0


@admin.register(Activity)
class ActivityAdmin(RegistryAdmin):
    list_display = (
        "title",
        "kind",
        "starts_display",
        "ends_display",
        "organiser",
        "participant_count",
    )
    list_filter = ("kind", ("district", ProvinceDistrictFilter), "starts_on")
    list_select_related = ("district",)
    search_fields = ("title", "venue", "target_group")
    inlines = (ParticipantInline, ActionItemInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_count=Count("participants"))

    @admin.display(description=_("starts"), ordering="starts_on")
    def starts_display(self, activity):
        return be_date(activity.starts_on)

    @admin.display(description=_("ends"), ordering="ends_on")
    def ends_display(self, activity):
        return be_date(activity.ends_on)

    @admin.display(description=_("organising district"), ordering="district")
    def organiser(self, activity):
        return activity.district or _("Province-wide")

    @admin.display(description=_("participants"), ordering="participant_count")
    def participant_count(self, activity):
        return activity.participant_count


@admin.register(ActionItem)
class ActionItemAdmin(RegistryAdmin):
    """Every district's action-plan items in one list, to follow up what is overdue."""

    list_display = ("text", "district", "activity", "owner", "due_display", "done_display")
    list_filter = (("district", ProvinceDistrictFilter), "due_on", "done_on", "activity")
    list_select_related = ("district", "activity", "owner_person")
    search_fields = ("text", "owner_name", "owner_person__first_name", "activity__title")
    autocomplete_fields = ("owner_person",)

    @admin.display(description=_("due"), ordering="due_on")
    def due_display(self, item):
        return be_date(item.due_on)

    @admin.display(description=_("done"), ordering="done_on")
    def done_display(self, item):
        return be_date(item.done_on)
