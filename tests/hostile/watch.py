"""What a request did to the database, asked cheaply.

PostgreSQL counts, per table and per transaction, the rows inserted, updated and
deleted (`pg_stat_xact_user_tables`, subtransactions included); a table whose counts
did not move during a request was not written. Only the tables that moved are hashed
(`md5` of every row as text) after the request and again after the example's savepoint
is rolled back, which gives their state before it.
"""

from django.apps import apps
from django.db import connection

from otop_portal.lib.scoping import ScopedQuerySet

# Tables any request may write, whatever its outcome, with the reason.
LOGS = {
    "django_session": "the session of the persona making the request",
    "axes_accessattempt": "django-axes counts failed logins",
    "axes_accessfailurelog": "django-axes logs failed logins",
    "axes_accesslog": "django-axes logs logins",
    "axes_accessattemptexpiration": "django-axes expiry of failed-login counts",
    "members_nationalidview": "each full view of a national ID is logged (PDPA)",
    "members_passwordresetrequest": "each password reset request is logged",
    "equipment_bookingrefusal": "a refused booking is logged with the rules it broke",
    "savings_idempotencykey": "a money form's key is kept so a double submit posts once",
    "pghistory_context": "the request's history context (who, which URL)",
    "otp_totp_totpdevice": "setting up a second factor keeps an unconfirmed device",
    "otp_static_staticdevice": "recovery codes of an unconfirmed second factor",
    "otp_static_statictoken": "recovery codes of an unconfirmed second factor",
    "equipment_lendingsettings": "the lending rules' one row, made with defaults when first read",
    "equipment_lendingsettingsevent": "the history of that first row",
    "equipment_usemonth": "the use report keeps an ended month's figures when first asked",
    "equipment_unitusemonth": "the units' figures of that month",
}

# Writes to other districts' rows that a district member's action makes on purpose.
_UNIT_WIDE = (
    "units are province-wide: an equipment handler who blocks a unit's calendar (a "
    "booking row without a producer) or takes it out of lending flags the upcoming "
    "bookings of every district"
)
ACROSS_DISTRICTS = {
    ("equipment:unit_block", "equipment_booking"): _UNIT_WIDE,
    ("equipment:unit_status", "equipment_booking"): _UNIT_WIDE,
    ("equipment:ticket_open", "equipment_booking"): _UNIT_WIDE,
    ("equipment:stocktake_record", "equipment_booking"): _UNIT_WIDE,  # a unit found missing
}


def write_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return dict(cursor.fetchall())


def written(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {table for table, count in after.items() if count != before.get(table, 0)}


def table_hash(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608,E501 - table names from pg_stat
        )
        return cursor.fetchone()[0]


def scoped_models() -> dict[str, tuple[type, str]]:
    """Each district-owned table: its model and the lookup to its district."""
    found = {}
    for model in apps.get_models():
        queryset = model._default_manager.get_queryset()
        if isinstance(queryset, ScopedQuerySet) and queryset.district_path:
            found[model._meta.db_table] = (model, queryset.district_path)
    return found


def outside_hash(table: str, district_id: str) -> str:
    """A hash of the rows of a district-owned table that belong to other districts."""
    model, path = scoped_models()[table]
    pks = model._base_manager.exclude(**{path: district_id}).values("pk")
    sql, params = pks.query.sql_with_params()
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), \'\')) FROM "{table}" t WHERE t."{column}" IN ({sql})',  # noqa: S608,E501
            params,
        )
        return cursor.fetchone()[0]


def ledger_problems() -> list[str]:
    """The savings books' invariants: deferred checks pass, every entry balances with
    two lines or more, the sub-ledgers reconcile."""
    from savings.models import JournalEntry, JournalLine
    from savings.services import reconcile

    problems = []
    with connection.cursor() as cursor:
        # what the commit would check (constraint triggers are deferred to it)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"""SELECT e.id FROM {JournalEntry._meta.db_table} e
                LEFT JOIN {JournalLine._meta.db_table} l ON l.entry_id = e.id
                GROUP BY e.id
                HAVING count(l.id) < 2
                    OR coalesce(sum(l.debit), 0) <> coalesce(sum(l.credit), 0)"""  # noqa: S608
        )
        problems += [f"journal entry {pk} does not balance" for (pk,) in cursor.fetchall()]
    return problems + [str(mismatch) for mismatch in reconcile()]
