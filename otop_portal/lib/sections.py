"""The section registry: how pages that join apps are built without apps importing
each other.

Each app registers, from its `AppConfig.ready()`, the sections it contributes to the
home pages and to a producer's page, and the entries it adds to the navigation. A
section is a template plus a function that builds its context from its own app's
selectors; `visible` decides, per user, whether the section or entry is shown.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HOME = "home"
PRODUCER = "producer"
PLACES = (HOME, PRODUCER)


def _always(user) -> bool:
    return True


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a lazy translation
    template: str
    context: Callable[..., dict]  # (request, obj) -> dict
    order: int = 100
    visible: Callable[[Any], bool] = _always


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any
    url_name: str
    order: int = 100
    visible: Callable[[Any], bool] = _always


@dataclass
class Registry:
    sections: dict[str, dict[str, Section]] = field(
        default_factory=lambda: {place: {} for place in PLACES}
    )
    nav: dict[str, NavItem] = field(default_factory=dict)

    def add_section(self, place: str, section: Section) -> None:
        if place not in self.sections:
            raise ValueError(f"unknown place {place!r}; use one of {PLACES}")
        # Keyed, so a second ready() (the test runner may call it again) replaces, not doubles.
        self.sections[place][section.key] = section

    def add_nav(self, item: NavItem) -> None:
        self.nav[item.key] = item

    def sections_for(self, place: str, request, obj=None) -> list[dict]:
        """The sections of `place` this user may see, in order, each with its context."""
        shown = []
        for section in sorted(self.sections[place].values(), key=lambda s: (s.order, s.key)):
            if section.visible(request.user):
                shown.append({"section": section, **section.context(request, obj)})
        return shown

    def nav_for(self, user) -> list[NavItem]:
        items = sorted(self.nav.values(), key=lambda item: (item.order, item.key))
        return [item for item in items if item.visible(user)]


registry = Registry()
register_section = registry.add_section
register_nav = registry.add_nav
