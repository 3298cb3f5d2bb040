"""The floor plan's booths as markup, written here rather than by a template loop: a
national fair has 2,500 booths, each drawn on the plan and listed in the table, and the
template engine took half a second for them (about forty lookups a booth). The markup is
the templates' own (fairs/setup/plan.html includes it); every value is escaped, with the
standard library's escape (what Django's calls, without its lazy-string wrapper)."""

from functools import lru_cache
from html import escape as _escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from fairs.plan import metres


@lru_cache(maxsize=4096)
def escape(text: str) -> str:
    """html.escape, remembered: a plan repeats its zones', types' and states' names on
    every booth."""
    return _escape(text)


def svg_booths(booths) -> SafeString:
    """Each booth as a link to its table row: a box, its number and the occupant's name
    as far as it fits, with a title for screen readers and pointers."""
    parts = []
    for row in booths:
        booth, shape = row.booth, row.shape
        box = shape.box
        zone = booth.zone
        occupant = row.occupant
        if occupant:
            extra = f" · {escape(occupant)}"
        elif booth.reserved_note:
            extra = f" · {escape(booth.reserved_note)}"
        else:
            extra = ""
        label = row.label
        code = escape(booth.code)
        code_y = shape.code_y if label else shape.cy
        name = (
            f'<text class="booth-name" x="{shape.cx}" y="{shape.name_y}">{escape(label)}</text>'
            if label
            else ""
        )
        parts.append(
            f'<a href="#booth-{booth.pk}"><g class="booth {row.css} '
            f'zone-edge--{escape(zone.colour) or "none"}">'
            f"<title>{code} · {escape(zone.name)} · {escape(row.status_label)}{extra}</title>"
            f'<rect class="booth-box" x="{box["x"]}" y="{box["y"]}" width="{box["w"]}" '
            f'height="{box["h"]}"></rect>'
            f'<text class="booth-code" x="{shape.cx}" y="{code_y}">{code}</text>{name}</g></a>\n'
        )
    return mark_safe("".join(parts))


def table_rows(booths) -> SafeString:
    """Each booth as a row of the table under the plan (the plan's text alternative)."""
    prime = escape(_("prime"))
    parts = []
    for row in booths:
        booth, zone = row.booth, row.booth.zone
        application = row.application
        if row.occupant:
            occupant = escape(row.occupant)
        elif booth.reserved_for:
            occupant = f"{escape(booth.get_reserved_for_display())}: {escape(booth.reserved_note)}"
        else:
            occupant = ""
        badge = f' <span class="badge text-bg-warning">{prime}</span>' if zone.is_prime else ""
        district = escape(application.district.name) if application else ""
        category = escape(application.get_category_display()) if application else ""
        size = f"{metres(booth.width)} × {metres(booth.height)}"
        parts.append(
            f'<tr id="booth-{booth.pk}">'
            f'<th scope="row"><span class="swatch {row.css}" aria-hidden="true"></span> '
            f"{escape(booth.code)}</th>"
            f"<td>{escape(zone.code)} {escape(zone.name)}{badge}</td>"
            f"<td>{escape(booth.booth_type.name)}</td>"
            f"<td>{escape(size)}</td>"
            f'<td data-status="{escape(row.status)}">{escape(row.status_label)}</td>'
            f"<td>{occupant}</td><td>{district}</td><td>{category}</td></tr>\n"
        )
    return mark_safe("".join(parts))
