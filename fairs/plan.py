"""The floor plan's geometry: booths are placed in metres from the plan's top left, and
the SVG's viewBox is in metres too, so the drawing scales to any screen or paper.

Sizes of the labels are fixed in metres by the stylesheet (fairs_setup.css): the
booth number 0.8 m high, the occupant 0.45 m; a name longer than its booth is cut.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# The colours a zone may take on the plan: names, never free CSS. Each is a class of
# static/css/fairs_setup.css (zone-colour--<name>).
PALETTE = [
    ("red", _("Red")),
    ("orange", _("Orange")),
    ("yellow", _("Yellow")),
    ("green", _("Green")),
    ("teal", _("Teal")),
    ("blue", _("Blue")),
    ("purple", _("Purple")),
    ("pink", _("Pink")),
    ("brown", _("Brown")),
    ("grey", _("Grey")),
]
COLOUR_NAMES = dict(PALETTE)

MARGIN = 1.0  # metres of empty plan around the booths
NAME_SIZE = 0.45  # the occupant's label height, as in fairs_setup.css
CHAR_WIDTH = 0.55  # a character is about this share of the label's height wide


def _n(value: float) -> str:
    """A coordinate as SVG wants it: a plain dot-decimal number, never localised."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def metres(value) -> str:
    """A size in metres as the booth table shows it: 3, 2.5, 2.75."""
    return _n(float(value))


@dataclass(frozen=True)
class Shape:
    x: float
    y: float
    width: float
    height: float

    @property
    def box(self) -> dict[str, str]:
        return {"x": _n(self.x), "y": _n(self.y), "w": _n(self.width), "h": _n(self.height)}

    @property
    def cx(self) -> str:
        return _n(self.x + self.width / 2)

    @property
    def cy(self) -> str:
        return _n(self.y + self.height / 2)

    @property
    def code_y(self) -> str:
        """The number's line when an occupant's name is written below it."""
        return _n(self.y + self.height * 0.38)

    @property
    def name_y(self) -> str:
        return _n(self.y + self.height * 0.72)

    def fit(self, name: str) -> str:
        """`name` cut to what fits across the booth."""
        room = max(int((self.width - 0.2) / (NAME_SIZE * CHAR_WIDTH)), 1)
        return name if len(name) <= room else name[: max(room - 1, 1)] + "…"


def shape_of(booth) -> Shape:
    def metres(value: Decimal) -> float:
        return float(value)

    return Shape(metres(booth.x), metres(booth.y), metres(booth.width), metres(booth.height))


def view_box(shapes: Iterable[Shape]) -> str:
    """'min-x min-y width height' around every booth, with a margin; a 10 × 10 m
    square when there is no booth yet."""
    shapes = list(shapes)
    if not shapes:
        return "0 0 10 10"
    left = min(s.x for s in shapes) - MARGIN
    top = min(s.y for s in shapes) - MARGIN
    right = max(s.x + s.width for s in shapes) + MARGIN
    bottom = max(s.y + s.height for s in shapes) + MARGIN
    return " ".join(_n(v) for v in (left, top, right - left, bottom - top))
