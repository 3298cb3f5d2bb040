"""Merging a producer registered twice (provincial staff): find the duplicate, see
exactly what the merge will do, give the reason, merge."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from members import selectors, services
from members.models import Producer
from otop_portal.lib.scoping import staff_required


class MergeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why these two are the same producer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": gettext_lazy("Say why the two records are the same.")},
    )


def _current(pk: int) -> Producer:
    return get_object_or_404(
        Producer.objects.current().select_related("district", "subdistrict"), pk=pk
    )


@require_safe
@staff_required
def producer_merge_find(request, pk):
    """Possible duplicates of a producer (a similar name in its subdistrict, a shared
    phone), or any producer found by what staff type."""
    kept = _current(pk)
    text = request.GET.get("q", "").strip()
    producers = selectors.producers_for(request.user).exclude(pk=kept.pk)
    if text:
        candidates = selectors.search_producers(producers, text)
    else:
        contact_phone = kept.contact_person.phone if kept.contact_person_id else ""
        alike = services.similar_producers(
            name=kept.name,
            subdistrict_id=kept.subdistrict_id,
            phone=[kept.phone, contact_phone],
            exclude_pk=kept.pk,
        )
        candidates = producers.filter(pk__in=alike.values("pk"))
    return render(
        request,
        "members/merge_find.html",
        {"kept": kept, "candidates": candidates[:20], "q": text},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def producer_merge(request, pk, other):
    """Both records side by side with what the merge will move and change (the merge
    run and rolled back); on confirmation, the merge."""
    kept, absorbed = _current(pk), _current(other)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.producer_merge(
                kept=kept, absorbed=absorbed, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.MergeRefused:
            pass  # the preview below names every reason
        else:
            messages.success(
                request,
                _("%(absorbed)s was merged into %(kept)s.")
                % {"absorbed": absorbed.name, "kept": kept.name},
            )
            return redirect(kept)
    try:
        preview = services.producer_merge(
            kept=kept, absorbed=absorbed, by=request.user, reason="", dry_run=True
        )
    except services.MergeRefused as refused:
        preview = refused.result
    side_by_side = selectors.producers_for(request.user).in_bulk([kept.pk, absorbed.pk])
    return render(
        request,
        "members/merge_confirm.html",
        {
            "kept": side_by_side[kept.pk],
            "absorbed": side_by_side[absorbed.pk],
            "pair": [
                (side_by_side[kept.pk], _("Kept")),
                (side_by_side[absorbed.pk], _("Duplicate, merged in")),
            ],
            "preview": preview,
            "form": form,
        },
        status=400 if form.errors or (form.is_bound and preview.problems) else 200,
    )
