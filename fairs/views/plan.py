"""The floor plan: every booth drawn where it stands, coloured by status, the occupant's
district or category, with each booth's occupant after the draw. Every login reads it
(the plan is public fair information); it prints on one page."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from fairs import plan_markup
from fairs import selectors_setup as selectors
from fairs.views.common import fair_for


@require_safe
def plan(request, pk):
    fair = fair_for(request, pk)
    drawing = selectors.plan_of(fair, colour=request.GET.get("colour", "status"))
    return render(
        request,
        "fairs/setup/plan.html",
        {
            "fair": fair,
            "plan": drawing,
            "svg_booths": plan_markup.svg_booths(drawing.booths),
            "table_rows": plan_markup.table_rows(drawing.booths),
            "colourings": [(key, str(label)) for key, label in selectors.COLOURINGS.items()],
        },
    )
