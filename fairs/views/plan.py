"""The floor plan: every booth drawn where it stands, coloured by status, the occupant's
district or category, with each booth's occupant after the draw. Every login reads it
(the plan is public fair information); it prints on one page. A large fair's plan shows
one zone at a time, with an overview of the zones to move between them; "all zones"
draws the whole venue."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fairs import plan_markup
from fairs import selectors_setup as selectors
from fairs.views.common import fair_for


@require_safe
def plan(request, pk):
    fair = fair_for(request, pk)
    zone = request.GET.get("zone") or None
    try:
        drawing = selectors.plan_of(fair, colour=request.GET.get("colour", "status"), zone=zone)
    except selectors.UnknownZone:
        raise Http404(_("This fair has no zone with that code.")) from None
    # the zone shown stays when the colouring changes, and the colouring when the zone does
    shown = drawing.zone.code if drawing.zone else (selectors.ALL_ZONES if zone else None)
    return render(
        request,
        "fairs/setup/plan.html",
        {
            "fair": fair,
            "plan": drawing,
            "svg_booths": plan_markup.svg_booths(drawing.booths),
            "table_rows": plan_markup.table_rows(drawing.booths),
            "colourings": [
                (key, str(label), _query(colour=key, zone=shown))
                for key, label in selectors.COLOURINGS.items()
            ],
            "zone_links": [
                (box, _query(colour=drawing.colour, zone=box.zone.code)) for box in drawing.zones
            ],
            "all_zones_link": _query(colour=drawing.colour, zone=selectors.ALL_ZONES),
        },
    )


def _query(**values) -> str:
    return "?" + urlencode({key: value for key, value in values.items() if value})
