"""Trigger-written history for every model an app registers.

`@track()` on a model makes PostgreSQL triggers write an event row on every insert,
update and delete, with the user and URL of the request (pghistory's middleware
sets that context). Event rows are append-only: the database refuses to change them.
"""

import pghistory
from django.utils.translation import gettext_lazy as _


def track(**kwargs):
    kwargs.setdefault("append_only", True)
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs
    )


LABELS = {"insert": _("added"), "update": _("changed"), "delete": _("deleted")}


def changes_of(obj, *, limit: int = 50) -> list[dict]:
    """The latest changes of `obj` and of the rows that refer to it (its people,
    products, membership…), newest first, each with who made it and what changed —
    for provincial staff on the object's page. Three queries, whatever the count."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from pghistory.models import Events

    events = list(Events.objects.references(obj).order_by("-pgh_created_at")[:limit])
    user_ids = {event.pgh_context.get("user") for event in events if event.pgh_context}
    # Always one query (0 matches no one): the page's query count must not depend on
    # whether the changes shown were made by someone logged in or by a command.
    users = get_user_model().objects.in_bulk([pk for pk in user_ids if pk] or [0])
    changes = []
    for event in events:
        model = apps.get_model(event.pgh_obj_model)
        context = event.pgh_context or {}
        changes.append(
            {
                "at": event.pgh_created_at,
                "user": users.get(context.get("user")),
                "what": model._meta.verbose_name,
                "label": LABELS.get(event.pgh_label, event.pgh_label),
                "fields": [
                    (_field_name(model, name), before, after)
                    for name, (before, after) in (event.pgh_diff or {}).items()
                    if name not in ("updated_at", "created_at")
                ],
            }
        )
    return changes


def _field_name(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field since removed from the model
        return name
