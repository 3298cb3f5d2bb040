"""Reports and exports may read from a read replica of the database.

With `READ_REPLICA_URL` set, the settings add a `replica` database alias and
`ReplicaRouter`. Reads go to the replica only inside `reading_from_replica()` (or a
view under `@reads_from_replica`), which the heavy report and export views use: a
replica lags the primary by a moment, and a page that shows what was just saved must
read the primary. Writes always go to the primary; inside a transaction every read
does too. Without `READ_REPLICA_URL` nothing changes.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_reading = ContextVar("reading_from_replica", default=False)


def replica_config(url: str, *, engine: str, conn_max_age: int) -> dict:
    """The `replica` alias for a PostgreSQL URL; tests mirror the test database."""
    import dj_database_url

    config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    return {**config, "ENGINE": engine, "TEST": {"MIRROR": DEFAULT_DB_ALIAS}}


@contextmanager
def reading_from_replica():
    """Send this block's reads to the replica (when there is one)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(view):
    """A view decorator: the view's reads go to the replica (when there is one)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        with reading_from_replica():
            response = view(*args, **kwargs)
            # A streamed export reads its rows while it is sent, after the view returns.
            if getattr(response, "streaming", False):
                response.streaming_content = _within_replica(response.streaming_content)
            return response

    return wrapper


def _within_replica(chunks):
    with reading_from_replica():
        yield from chunks


class ReplicaRouter:
    """Reads inside reading_from_replica() go to the replica; everything else to default."""

    def db_for_read(self, model, **hints):
        if (
            _reading.get()
            and REPLICA in settings.DATABASES
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both: an object read from either may be linked

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
