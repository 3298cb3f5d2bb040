"""Setting a fair up: the fair itself, its zones, booth types and booths, and the
allocation policy published before applications open.

Fairs and their parts are province-wide: every login reads these pages, only staff
and the fair committee (`manages_fairs`) change anything (403 otherwise). Once the
eligible list is frozen, the zones, booth types, booths and policy no longer change.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fairs import selectors_setup as selectors
from fairs.forms_setup import (
    BoothForm,
    BoothRowForm,
    BoothTypeForm,
    FairForm,
    PolicyForm,
    ZoneForm,
    booth_remove,
    policy_draft_save,
    quota_formset,
)
from fairs.models import ApplicationStatus, Booth, BoothType, Policy, Zone, manages_fairs
from fairs.services.lottery import explain_problem, feasibility
from fairs.services.setup import (
    default_quotas,
    policy_new_version,
    policy_publish,
    province_districts,
)
from fairs.views.common import fair_for, manager_required, run_service
from otop_portal.lib.scoping import get_for_user
from otop_portal.lib.thaidate import format_thai_date


def _posted(request):
    return request.POST if request.method == "POST" else None


def _refuse(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- The fair -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@manager_required
def fair_create(request):
    form = FairForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        fair = run_service(form, form.save_fair)
        if fair is not None:
            messages.success(
                request,
                _("Fair “%(name)s” created. Add its zones, booth types and booths next.")
                % {"name": fair.name},
            )
            return redirect("fairs:fair_detail", fair.pk)
    return render(request, "fairs/setup/fair_form.html", {"form": form, "fair": None})


@require_http_methods(["GET", "POST"])
@manager_required
def fair_edit(request, pk):
    fair = fair_for(request, pk)
    form = FairForm(_posted(request), instance=fair)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, form.save_fair) is not None
    ):
        messages.success(request, _("The fair's details are saved."))
        return redirect("fairs:fair_detail", fair.pk)
    frozen = hasattr(fair, "frozen_list")
    return render(
        request, "fairs/setup/fair_form.html", {"form": form, "fair": fair, "frozen": frozen}
    )


@require_safe
def fair_detail(request, pk):
    fair = fair_for(request, pk)
    today = timezone.localdate()
    progress = selectors.progress_of(fair, today)
    return render(
        request,
        "fairs/setup/fair_detail.html",
        {
            "fair": fair,
            "progress": progress,
            "booths": selectors.booth_counts(fair),
            "applications": selectors.application_counts(fair, request.user),
            "links": selectors.next_steps(fair, request.user, progress, today),
            "late": progress.policy and selectors.published_late(progress.policy, fair),
            "window_open": fair.window_is_open(today),
        },
    )


# --- Zones, booth types, booths -------------------------------------------------------


def _part_list(request, pk, *, form_class, rows, template: str, saved: str):
    """A list of a fair's parts with the form that adds one (for managers, while the
    list is not frozen)."""
    fair = fair_for(request, pk)
    manager = manages_fairs(request.user)
    if request.method == "POST" and not manager:
        raise PermissionDenied
    form = form_class(_posted(request), fair=fair) if manager else None
    if request.method == "POST" and form.is_valid():
        added = run_service(form, form.save_part)
        if added is not None:
            messages.success(request, saved(added))
            return redirect(request.path)
    return render(
        request,
        template,
        {
            "fair": fair,
            "rows": rows(fair),
            "form": form,
            "manager": manager,
            "frozen": hasattr(fair, "frozen_list"),
        },
    )


def _part_edit(request, part, *, form_class, title: str, back: str):
    fair = part.fair
    form = form_class(_posted(request), instance=part, fair=fair)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, form.save_part) is not None
    ):
        messages.success(request, _("Saved: %(part)s.") % {"part": part})
        return redirect(back, fair.pk)
    return render(
        request,
        "fairs/setup/part_form.html",
        {
            "fair": fair,
            "part": part,
            "form": form,
            "title": title,
            "back": reverse(back, args=[fair.pk]),
            "frozen": hasattr(fair, "frozen_list"),
        },
    )


def _part(request, model, pk):
    return get_for_user(
        request, model.objects.select_related("fair__series"), pk=pk, for_write=True
    )


@require_http_methods(["GET", "POST"])
def zones(request, pk):
    return _part_list(
        request,
        pk,
        form_class=ZoneForm,
        rows=selectors.zones_of,
        template="fairs/setup/zones.html",
        saved=lambda zone: _("Zone %(code)s added.") % {"code": zone.code},
    )


@require_http_methods(["GET", "POST"])
@manager_required
def zone_edit(request, pk):
    zone = _part(request, Zone, pk)
    return _part_edit(
        request,
        zone,
        form_class=ZoneForm,
        title=_("Edit zone %(code)s") % {"code": zone.code},
        back="fairs:zones",
    )


@require_http_methods(["GET", "POST"])
def booth_types(request, pk):
    return _part_list(
        request,
        pk,
        form_class=BoothTypeForm,
        rows=selectors.booth_types_of,
        template="fairs/setup/booth_types.html",
        saved=lambda kind: _("Booth type %(code)s added.") % {"code": kind.code},
    )


@require_http_methods(["GET", "POST"])
@manager_required
def booth_type_edit(request, pk):
    booth_type = _part(request, BoothType, pk)
    return _part_edit(
        request,
        booth_type,
        form_class=BoothTypeForm,
        title=_("Edit booth type %(code)s") % {"code": booth_type.code},
        back="fairs:booth_types",
    )


@require_http_methods(["GET", "POST"])
def booths(request, pk):
    return _part_list(
        request,
        pk,
        form_class=BoothRowForm,
        rows=selectors.booths_of,
        template="fairs/setup/booths.html",
        saved=lambda row: (
            ngettext(
                "%(count)s booth added: %(first)s.",
                "%(count)s booths added: %(first)s to %(last)s.",
                len(row),
            )
            % {"count": len(row), "first": row[0].code, "last": row[-1].code}
        ),
    )


@require_http_methods(["GET", "POST"])
@manager_required
def booth_edit(request, pk):
    booth = _part(request, Booth, pk)
    return _part_edit(
        request,
        booth,
        form_class=BoothForm,
        title=_("Edit booth %(code)s") % {"code": booth.code},
        back="fairs:booths",
    )


@require_POST
@manager_required
def booth_delete(request, pk):
    booth = _part(request, Booth, pk)
    try:
        booth_remove(booth)
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(request, _("Booth %(code)s deleted.") % {"code": booth.code})
    return redirect("fairs:booths", booth.fair_id)


# --- The allocation policy --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def policy(request, pk):
    fair = fair_for(request, pk)
    manager = manages_fairs(request.user)
    if request.method == "POST" and not manager:
        raise PermissionDenied
    frozen = hasattr(fair, "frozen_list")
    versions = selectors.policy_versions(fair)
    draft = next((p for p in versions if not p.is_published), None)
    labels = selectors.quota_labels()
    form = quotas = None
    if manager and draft is not None and not frozen:
        form = PolicyForm(_posted(request), instance=draft)
        quotas = quota_formset(draft, labels, _posted(request))
        if (
            request.method == "POST"
            and form.is_valid()
            and quotas.is_valid()
            and run_service(form, lambda: policy_draft_save(form, quotas)) is not None
        ):
            messages.success(
                request, _("Draft version %(version)s saved.") % {"version": draft.version}
            )
            return redirect(reverse("fairs:policy", args=[fair.pk]) + "#draft")
    elif request.method == "POST":
        messages.error(
            request,
            _("The list is frozen: the policy can no longer change.")
            if frozen
            else _("There is no draft to save: make a new version first."),
        )
        return redirect("fairs:policy", fair.pk)
    for version in versions:
        version.late = selectors.published_late(version, fair)
        for quota in version.quotas.all():
            quota.label = labels.get((quota.kind, quota.key), quota.key)
    return render(
        request,
        "fairs/setup/policy.html",
        {
            "fair": fair,
            "manager": manager,
            "frozen": frozen,
            "draft": draft,
            "published": [p for p in versions if p.is_published],
            "form": form,
            "quotas": quotas,
            **_policy_checks(fair, draft or next(iter(versions), None)),
        },
    )


def _policy_checks(fair, policy: Policy | None) -> dict:
    """The proposed default quotas and whether today's eligible list can meet `policy`."""
    drawable = fair.booths.drawable().count()
    districts = province_districts().count()
    low, high = default_quotas(drawable, districts)
    checks = {
        "drawable": drawable,
        "districts": districts,
        "default_min": low,
        "default_max": high,
        "eligible": fair.applications.filter(status=ApplicationStatus.ELIGIBLE).count(),
        "checked": policy,
        "problems": [],
    }
    if policy is not None:
        checks["problems"] = [explain_problem(p) for p in feasibility(fair, policy)]
    return checks


@require_POST
@manager_required
def policy_new(request, pk):
    fair = fair_for(request, pk)
    try:
        draft = policy_new_version(fair=fair, by=request.user)
    except ValidationError as error:
        _refuse(request, error)
        return redirect("fairs:policy", fair.pk)
    messages.success(
        request,
        _("Draft version %(version)s is ready to edit.") % {"version": draft.version},
    )
    return redirect(reverse("fairs:policy", args=[fair.pk]) + "#draft")


@require_POST
@manager_required
def policy_publish_view(request, pk):
    policy = get_for_user(request, Policy.objects.select_related("fair"), pk=pk, for_write=True)
    try:
        policy = policy_publish(policy=policy, by=request.user)
    except ValidationError as error:
        _refuse(request, error)
        return redirect("fairs:policy", policy.fair_id)
    messages.success(request, _("Version %(version)s is published.") % {"version": policy.version})
    if selectors.published_late(policy, policy.fair):
        messages.warning(
            request,
            _(
                "Applications opened on %(date)s, before this version was published: "
                "the page shows it as published after applications opened."
            )
            % {"date": format_thai_date(policy.fair.applications_open_on)},
        )
    return redirect("fairs:policy", policy.fair_id)
