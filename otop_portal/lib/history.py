"""Trigger-written history for every model an app registers.

`@track()` on a model makes PostgreSQL triggers write an event row on every insert,
update and delete, with the user and URL of the request (pghistory's middleware
sets that context). Event rows are append-only: the database refuses to change them.
"""

import pghistory


def track(**kwargs):
    kwargs.setdefault("append_only", True)
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs
    )
