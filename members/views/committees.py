"""Committees (terms and seats, the logins of ended terms) and activities (trainings and
meetings, their participants and attendance, each district's action-plan items)."""

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from members import exports_committees as exports
from members import services
from members.models import (
    ActionItem,
    Activity,
    CommitteeLevel,
    CommitteeSeat,
    CommitteeTerm,
    District,
    Participant,
    Person,
    Producer,
    User,
)
from members.views.records import _save_record
from otop_portal.lib.exports import export_response
from otop_portal.lib.history import changes_of
from otop_portal.lib.scoping import can_write, get_for_user, staff_required
from otop_portal.lib.thaidate import BEDateField

PAGE_SIZE = 25
OFFERED = 30  # people offered by a search: a page never lists thousands


def may_contribute(user) -> bool:
    """Who adds terms, participants and action items: provincial staff anywhere, a
    district member for their own district; network officers only read."""
    return user.is_provincial_staff or user.is_district_member


def province_districts():
    return District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE).order_by("code")


def search_people(people, text: str):
    """People whose first name, last name or phone holds every typed word."""
    for word in text.split()[:4]:
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(phone__contains=word)
        )
    return people.select_related("district").ordered()


# --- Forms -----------------------------------------------------------------------------


class OfferedChoicesMixin:
    """A choice field that accepts any row of its (scoped) queryset but lists only
    the rows offered: the result of a search."""

    def offer(self, rows) -> None:
        choices = [(row.pk, self.label_from_instance(row)) for row in rows]
        if not isinstance(self, forms.ModelMultipleChoiceField):
            choices.insert(0, ("", "---------"))
        self.widget.choices = choices


class PersonChoiceField(OfferedChoicesMixin, forms.ModelChoiceField):
    def label_from_instance(self, person):
        return " · ".join(filter(None, [person.full_name, person.district.name, person.phone]))


class PeopleChoiceField(OfferedChoicesMixin, forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, person):
        return PersonChoiceField.label_from_instance(self, person)


class LoginChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{user.username} ({name})" if name else user.username


class TermForm(forms.ModelForm):
    class Meta:
        model = CommitteeTerm
        fields = ["level", "district", "starts_on", "ends_on", "appointment_ref"]
        field_classes = {"starts_on": BEDateField, "ends_on": BEDateField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_provincial_staff:
            self.fields["district"].queryset = province_districts()
        else:
            # a district member keeps their own district's committee
            del self.fields["level"], self.fields["district"]
            self.instance.level, self.instance.district = CommitteeLevel.DISTRICT, user.district

    def clean(self):
        cleaned = super().clean()
        if "level" not in self.fields:
            return cleaned
        if cleaned.get("level") == CommitteeLevel.PROVINCE:
            cleaned["district"] = None
        elif cleaned.get("level") == CommitteeLevel.DISTRICT and not cleaned.get("district"):
            self.add_error("district", _("Choose the district of this committee."))
        return cleaned


class SeatForm(forms.ModelForm):
    class Meta:
        model = CommitteeSeat
        fields = ["person", "role", "represents", "producer", "user", "starts_on", "ends_on"]
        field_classes = {
            "starts_on": BEDateField,
            "ends_on": BEDateField,
            "user": LoginChoiceField,
        }

    def __init__(self, *args, user, term, query="", **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.term = term
        people = Person.objects.for_user(user).select_related("district")
        producers = Producer.objects.for_user(user).current()
        logins = User.objects.for_user(user).filter(is_active=True).order_by("username")
        if term.is_provincial:
            self.fields["represents"].queryset = province_districts()
        else:
            del self.fields["represents"]
            people = people.filter(district=term.district_id)
            producers = producers.filter(district=term.district_id)
            logins = logins.filter(district=term.district_id)
        offered = list(search_people(people, query)[:OFFERED])
        if self.instance.person_id and self.instance.person not in offered:
            offered.insert(0, self.instance.person)
        self.fields["person"] = PersonChoiceField(queryset=people, label=_("person"))
        self.fields["person"].offer(offered)
        self.fields["person"].help_text = _("Search above to find other people.")
        self.fields["producer"].queryset = producers
        self.fields["producer"].required = False
        # the producers of the people offered: a seat names the group its person comes from
        self.fields["producer"].widget.choices = [
            ("", "---------"),
            *[
                (p.pk, p.name)
                for p in producers.filter(members__person__in=offered).distinct().order_by("name")
            ],
        ]
        self.fields["user"].queryset = logins

    def clean(self):
        cleaned = super().clean()
        person, producer = cleaned.get("person"), cleaned.get("producer")
        if person and producer and not producer.members.filter(person=person).exists():
            self.add_error("producer", _("This person is not a member of that producer."))
        return cleaned


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "venue",
            "district",
            "target_group",
            "description",
        ]
        field_classes = {"starts_on": BEDateField, "ends_on": BEDateField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = province_districts()
        self.fields["district"].empty_label = _("Province-wide")


class InviteForm(forms.Form):
    capacity = forms.CharField(
        label=gettext_lazy("taking part as"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("e.g. provincial CDD officer, district network chair"),
    )

    def __init__(self, *args, people, offered, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"] = PeopleChoiceField(queryset=people, label=_("People to invite"))
        self.fields["people"].offer(offered)
        self.order_fields(["people", "capacity"])


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["district", "text", "owner_person", "owner_name", "due_on"]
        field_classes = {"due_on": BEDateField}

    def __init__(self, *args, user, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.activity = activity
        if user.is_provincial_staff:
            self.fields["district"].queryset = province_districts()
        else:
            del self.fields["district"]
            self.instance.district = user.district
        # the owner is one of the activity's participants, or named in words
        owners = (
            Person.objects.for_user(user)
            .filter(activity_participations__activity=activity)
            .select_related("district")
            .ordered()
        )
        self.fields["owner_person"] = PersonChoiceField(
            queryset=owners, required=False, label=_("responsible person")
        )
        self.fields["owner_person"].offer(owners)
        self.order_fields(["district", "text", "owner_person", "owner_name", "due_on"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("owner_person") and not cleaned.get("owner_name"):
            self.add_error(
                "owner_name",
                _("Name who is responsible: one of the participants, or anyone else."),
            )
        return cleaned


class TermFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(
        label=gettext_lazy("Level"),
        choices=CommitteeLevel.choices,
        empty_label=gettext_lazy("All levels"),
    )
    district = django_filters.ModelChoiceFilter(
        label=gettext_lazy("District"),
        queryset=District.objects.none(),
        empty_label=gettext_lazy("All districts"),
    )

    class Meta:
        model = CommitteeTerm
        fields = ["level", "district"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].queryset = province_districts().for_user(user)


# --- Committees ------------------------------------------------------------------------


def _terms(request) -> TermFilter:
    return TermFilter(
        request.GET, queryset=CommitteeTerm.objects.for_user(request.user), user=request.user
    )


@require_safe
def committee_list(request):
    terms = _terms(request)
    page = Paginator(terms.qs.listed(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/committees/term_list.html",
        {
            "filter": terms,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "may_add": may_contribute(request.user),
        },
    )


@require_safe
def committee_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    seats = (
        CommitteeSeat.objects.for_user(request.user)
        .filter(term__in=_terms(request).qs)
        .select_related("term__district", "person", "represents", "producer")
        .ordered()
        .order_by(
            "-term__starts_on",
            F("term__district").asc(nulls_first=True),
            "term_id",
            "role_rank",
            "represents",
            "pk",
        )
    )
    return export_response(request, exports.committees_export(seats), fmt)


@require_safe
def term_detail(request, pk):
    term = get_for_user(request, CommitteeTerm.objects.select_related("district"), pk=pk)
    seats = term.seats.select_related(
        "person__district", "represents", "producer", "user"
    ).ordered()
    may_edit = can_write(request.user, term)
    return render(
        request,
        "members/committees/term_detail.html",
        {
            "term": term,
            "seats": seats,
            "may_edit": may_edit,
            "today": timezone.localdate(),
            "show_logins": may_edit or request.user.sees_all_districts,
            "history": {"changes": changes_of(term)} if request.user.is_provincial_staff else None,
        },
    )


@require_http_methods(["GET", "POST"])
def term_create(request):
    if not may_contribute(request.user):
        raise PermissionDenied
    form = TermForm(request.POST or None, user=request.user)
    return _save_record(
        request,
        form,
        title=_("New committee term"),
        back_url=reverse("members:committee_list"),
        save=lambda term: services.committee_term_save(term=term),
    )


@require_http_methods(["GET", "POST"])
def term_edit(request, pk):
    term = get_for_user(request, CommitteeTerm, for_write=True, pk=pk)
    form = TermForm(request.POST or None, instance=term, user=request.user)
    return _save_record(
        request,
        form,
        title=_("Edit %(term)s") % {"term": term},
        back_url=term.get_absolute_url(),
        save=lambda record: services.committee_term_save(term=record),
    )


def _seat_form(request, term, seat=None):
    query = request.GET.get("q", "").strip()[:100]
    form = SeatForm(request.POST or None, instance=seat, user=request.user, term=term, query=query)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_seat_save(seat=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(term.get_absolute_url())
    return render(
        request,
        "members/committees/seat_form.html",
        {
            "form": form,
            "term": term,
            "query": query,
            "title": _("Edit a seat") if seat else _("Add a seat"),
        },
    )


@require_http_methods(["GET", "POST"])
def seat_add(request, pk):
    term = get_for_user(request, CommitteeTerm, for_write=True, pk=pk)
    return _seat_form(request, term)


@require_http_methods(["GET", "POST"])
def seat_edit(request, pk):
    seat = get_for_user(
        request, CommitteeSeat.objects.select_related("term__district"), for_write=True, pk=pk
    )
    return _seat_form(request, seat.term, seat)


@require_http_methods(["GET", "POST"])
@staff_required
def committee_logins(request):
    """The logins tied to seats of ended terms that are still active and hold no
    seat on a current term: staff renew them (a seat on the new term) or deactivate."""
    seats = CommitteeSeat.objects.logins_to_review()
    if request.method == "POST":
        chosen = [value for value in request.POST.getlist("users") if value.isdigit()]
        users = User.objects.filter(pk__in=seats.values("user"), is_active=True).filter(
            pk__in=chosen
        )
        count = services.users_set_active(users=users, active=False, by=request.user)
        message = ngettext(
            "%(count)d account deactivated.", "%(count)d accounts deactivated.", count
        )
        messages.success(request, message % {"count": count})
        return redirect("members:committee_logins")
    return render(request, "members/committees/login_review.html", {"seats": seats})


# --- Activities --------------------------------------------------------------------------


@require_safe
def activity_list(request):
    activities = Activity.objects.for_user(request.user).select_related("district")
    past = Paginator(activities.past(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/committees/activity_list.html",
        {
            "upcoming": activities.upcoming(),
            "page": past,
            "query": "",
            "may_add": request.user.is_provincial_staff,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def activity_create(request):
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_save(activity=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(activity.get_absolute_url())
    return render(
        request,
        "members/record_form.html",
        {"form": form, "title": _("New activity"), "back_url": reverse("members:activity_list")},
    )


def _activity(request, pk, *, contribute=False) -> Activity:
    activity = get_for_user(request, Activity.objects.select_related("district"), pk=pk)
    if contribute and not may_contribute(request.user):
        raise PermissionDenied
    return activity


def _participants(request, activity):
    return Participant.objects.for_user(request.user).filter(activity=activity).ordered()


def _action_items(request, activity):
    return ActionItem.objects.for_user(request.user).filter(activity=activity).ordered()


@require_safe
def activity_detail(request, pk):
    activity = _activity(request, pk)
    participants = list(_participants(request, activity))
    return render(
        request,
        "members/committees/activity_detail.html",
        {
            "activity": activity,
            "participants": participants,
            "attended": sum(1 for p in participants if p.attended),
            "items": _action_items(request, activity),
            "may_contribute": may_contribute(request.user),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def participant_add(request, pk):
    activity = _activity(request, pk, contribute=True)
    query = request.GET.get("q", "").strip()[:100]
    people = Person.objects.for_user(request.user).exclude(
        activity_participations__activity=activity
    )
    offered = list(search_people(people, query)[:OFFERED])
    form = InviteForm(request.POST or None, people=people, offered=offered)
    if request.method == "POST" and form.is_valid():
        added = services.participants_invite(
            activity=activity,
            people=form.cleaned_data["people"],
            capacity=form.cleaned_data["capacity"],
        )
        message = ngettext("%(count)d person invited.", "%(count)d people invited.", len(added))
        messages.success(request, message % {"count": len(added)})
        return redirect(activity.get_absolute_url())
    return render(
        request,
        "members/committees/participant_form.html",
        {"form": form, "activity": activity, "query": query},
    )


@require_http_methods(["GET", "POST"])
def action_item_add(request, pk):
    activity = _activity(request, pk, contribute=True)
    form = ActionItemForm(request.POST or None, user=request.user, activity=activity)
    return _save_record(
        request,
        form,
        title=_("Action-plan item from %(activity)s") % {"activity": activity.title},
        back_url=activity.get_absolute_url(),
        save=lambda item: services.action_item_save(item=item),
    )


ATTENDANCE = {"yes": True, "no": False, "": None}


@require_POST
def participant_attendance(request, pk):
    participant = get_for_user(
        request, Participant.objects.select_related("activity"), for_write=True, pk=pk
    )
    value = request.POST.get("attended", "")
    if value not in ATTENDANCE:
        raise Http404
    note = request.POST.get("note")
    services.participant_record_attendance(
        participant=participant,
        attended=ATTENDANCE[value],
        note=note.strip()[:200] if note is not None else None,
    )
    messages.success(
        request, _("Attendance of %(name)s is recorded.") % {"name": participant.person}
    )
    return redirect(participant.activity.get_absolute_url() + "#participants")


@require_POST
def action_item_done(request, pk):
    item = get_for_user(
        request, ActionItem.objects.select_related("activity"), for_write=True, pk=pk
    )
    done = request.POST.get("done", "1") == "1"
    services.action_item_set_done(item=item, done=done)
    if done:
        messages.success(request, _("“%(text)s” is done.") % {"text": item.text})
    else:
        messages.success(request, _("“%(text)s” is open again.") % {"text": item.text})
    return redirect(item.activity.get_absolute_url() + "#actions")


@require_safe
def attendance_export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    activity = _activity(request, pk)
    export = exports.attendance_export(activity, _participants(request, activity))
    return export_response(request, export, fmt)


@require_safe
def action_items_export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    activity = _activity(request, pk)
    export = exports.action_items_export(activity, _action_items(request, activity))
    return export_response(request, export, fmt)
