"""The draw pipeline of a fair (research/fairs.md §5.2): freeze the eligible list,
the public random source typed in and confirmed by a second person, the official
draw, publishing it; unofficial re-runs for checking. Every login reads the page;
fair managers act.

Views glue: scoped fetch → form → service → message → redirect. A refused action
without a form comes back as messages on the pipeline page; a refused form shows the
page again with the form's errors.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from fairs import selectors_draw
from fairs.forms_draw import RerunForm, SourceConfirmForm, SourceEnterForm
from fairs.models import ApplicationStatus, Draw, Fair, Outcome, RandomSource, manages_fairs
from fairs.services import lottery
from fairs.views.common import fair_for, manager_required, run_service
from otop_portal.lib.scoping import get_for_user


def _page(request, fair: Fair, **forms):
    """The pipeline page, with the given (bound, refused) forms in place of empty ones."""
    context = {
        "p": selectors_draw.pipeline(fair),
        "fair": fair,
        "manages": manages_fairs(request.user),
        "enter_form": forms.get("enter_form") or SourceEnterForm(),
        "confirm_form": forms.get("confirm_form") or SourceConfirmForm(),
        "rerun_form": forms.get("rerun_form") or RerunForm(),
    }
    return render(request, "fairs/draw/pipeline.html", context)


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_safe
def draw(request, pk):
    return _page(request, fair_for(request, pk))


@require_POST
@manager_required
def list_freeze(request, pk):
    fair = fair_for(request, pk)
    try:
        frozen = lottery.list_freeze(fair=fair, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _(
                "The list is frozen with %(count)s eligible applications; its SHA-256 is "
                "published on the verification page."
            )
            % {"count": frozen.entries.count()},
        )
    return redirect("fairs:draw", fair.pk)


@require_POST
@manager_required
def source_enter(request, pk):
    fair = fair_for(request, pk)
    form = SourceEnterForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: lottery.source_enter(fair=fair, by=request.user, text=form.cleaned_data["text"]),
    ):
        messages.success(
            request, _("The lottery results are typed in. A second person must now confirm them.")
        )
        return redirect("fairs:draw", fair.pk)
    return _page(request, fair, enter_form=form)


@require_POST
@manager_required
def source_confirm(request, pk):
    source = get_for_user(request, RandomSource.objects.select_related("fair"), pk=pk)
    form = SourceConfirmForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: lottery.source_confirm(
            source=source, by=request.user, retyped=form.cleaned_data["retyped"]
        ),
    ):
        messages.success(
            request, _("The lottery results are confirmed. The official draw can be run.")
        )
        return redirect("fairs:draw", source.fair_id)
    return _page(request, fair_for(request, source.fair_id), confirm_form=form)


@require_POST
@manager_required
def draw_run(request, pk):
    fair = fair_for(request, pk)
    try:
        run = lottery.draw_run(fair=fair, by=request.user, official=True)
    except ValidationError as error:
        _refused(request, error)
        return redirect("fairs:draw", fair.pk)
    messages.success(request, _("The official draw is run and stored. Check it, then publish it."))
    return redirect("fairs:draw_detail", run.pk)


@require_POST
@manager_required
def draw_rerun(request, pk):
    fair = fair_for(request, pk)
    form = RerunForm(request.POST)
    run = form.is_valid() and run_service(
        form,
        lambda: lottery.draw_run(
            fair=fair, by=request.user, official=False, source_text=form.cleaned_data["source_text"]
        ),
    )
    if run:
        messages.success(request, _("An unofficial re-run is stored. It changes nothing."))
        return redirect("fairs:draw_detail", run.pk)
    return _page(request, fair, rerun_form=form)


def _draw(request, pk) -> Draw:
    return get_for_user(
        request,
        Draw.objects.select_related(
            "fair__series", "frozen_list__policy", "run_by", "published_by"
        ),
        pk=pk,
    )


@require_safe
def draw_detail(request, pk):
    run = _draw(request, pk)
    rows = selectors_draw.draw_rows(run, user=request.user)
    return render(
        request,
        "fairs/draw/detail.html",
        {
            "draw": run,
            "fair": run.fair,
            "rows": rows,
            "counts": selectors_draw.outcome_counts(rows),
            "manages": manages_fairs(request.user),
        },
    )


@require_POST
@manager_required
def draw_publish(request, pk):
    run = _draw(request, pk)
    try:
        lottery.draw_publish(draw=run, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("fairs:draw", run.fair_id)
    offers = (
        run.lines.filter(outcome=Outcome.SELECTED)
        .exclude(application__status=ApplicationStatus.WITHDRAWN)
        .count()
    )
    messages.success(
        request,
        _(
            "The draw is published on the verification page; %(count)s booth offers are "
            "made, valid for %(hours)s hours."
        )
        % {"count": offers, "hours": run.frozen_list.policy.offer_hours},
    )
    return redirect("fairs:draw", run.fair_id)
