"""The public verification pages of the draw (no login): the frozen list and its
SHA-256 from the moment it is frozen, and once the official draw is published, the
random source, the seed and every line, so anyone can recompute the result with the
downloadable code. Names appear only for producers who got a booth.
"""

import re
import shlex

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from fairs import draw as lottery
from fairs import selectors_draw


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_not_required
@require_safe
def verify_index(request):
    return render(
        request, "fairs/verify/index.html", {"fairs": list(selectors_draw.public_fairs())}
    )


@login_not_required
@require_safe
def verify(request, pk):
    fair = selectors_draw.public_fair(pk)
    frozen = fair.frozen_list
    draw = selectors_draw.published_draw(fair)
    rows = selectors_draw.draw_rows(draw) if draw else []
    return render(
        request,
        "fairs/verify/fair.html",
        {
            "fair": fair,
            "frozen": frozen,
            "policy": frozen.policy,
            "quotas": selectors_draw.quota_rows(frozen.policy),
            "booths": selectors_draw.booth_rows(fair),
            "draw": draw,
            "rows": rows,
            "counts": selectors_draw.outcome_counts(rows),
            "algorithm_version": lottery.ALGORITHM_VERSION,
            "command": _command(draw),
        },
    )


def _command(draw) -> str:
    source = draw.source_text if draw else "…"
    return f"python3 verify.py list.csv {shlex.quote(source)} > mine.csv"


@login_not_required
@require_safe
def verify_list(request, pk):
    fair = selectors_draw.public_fair(pk)
    return _file(fair.frozen_list.text.encode("utf-8"), "text/csv; charset=utf-8", "list.csv")


@login_not_required
@require_safe
def verify_results(request, pk):
    fair = selectors_draw.public_fair(pk)
    draw = selectors_draw.published_draw(fair)
    if draw is None:
        raise Http404("The official draw is not published yet.")
    return _file(
        selectors_draw.results_csv(draw).encode("utf-8"),
        "text/csv; charset=utf-8",
        "results.csv",
    )


@login_not_required
@require_safe
def verify_code(request):
    """The lottery's code and verify.py; with ?fair=<pk>, also that fair's policy.json."""
    fair = None
    if "fair" in request.GET:
        wanted = request.GET["fair"]
        if not re.fullmatch(r"[0-9]{1,9}", wanted):
            raise Http404("No such fair.")
        fair = selectors_draw.public_fair(int(wanted))
    name = f"draw-{fair.pk}.zip" if fair else "draw.zip"
    return _file(selectors_draw.code_zip(fair), "application/zip", name)
