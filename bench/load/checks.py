"""What must still hold after the load: run against the load test's database.

    DATABASE_URL=… python -m bench.load.checks          # prints one JSON object

Counts (bookings by status, refusals, journal entries, fair applications) let the run
report what the load wrote; the checks are the invariants the database and services
promise, asked again with plain SQL and the savings group's own reconciliation:

- no two blocking bookings of one unit overlap (the exclusion constraint's promise);
- every savings journal entry has two or more lines and balances, the books reconcile
  (`savings.services.reconcile`: sub-ledgers against balances and control accounts,
  loans, holds, the trial balance), and receipt and voucher numbers have no gaps;
- no booth is held twice at one time, no application holds two booths at one time,
  and a producer has at most one live application per fair.
"""

import json
import os
import sys


def _scalar(cursor, sql: str, params=()) -> int:
    cursor.execute(sql, params)
    return cursor.fetchone()[0]


def counts() -> dict:
    from django.db.models import Count

    from equipment.models import Booking, BookingRefusal
    from fairs.models import Application
    from savings.models import JournalEntry

    by_status = dict(
        Booking.objects.loans().values_list("status").annotate(n=Count("pk")).order_by()
    )
    refusals = BookingRefusal.objects.all()
    return {
        "bookings": sum(by_status.values()),
        "bookings_by_status": by_status,
        "refusals": refusals.count(),
        "refusals_slot_taken": refusals.filter(rules__contains="R11").count(),
        "journal_entries": JournalEntry.objects.count(),
        "fair_applications": Application.objects.count(),
    }


def checks() -> list[dict]:
    """Each check: its name, how many violations were found (0 is good), and detail."""
    from django.db import connection

    from equipment.models import BLOCKING, Booking
    from fairs.models import Application, Holding
    from savings.models import JournalEntry, JournalLine
    from savings.services import reconcile

    found = []
    blocking = tuple(str(status) for status in BLOCKING)
    with connection.cursor() as cursor:
        overlaps = _scalar(
            cursor,
            f"""SELECT count(*) FROM {Booking._meta.db_table} a
                JOIN {Booking._meta.db_table} b
                  ON a.unit_id = b.unit_id AND a.id < b.id
                 AND a.blocked_period && b.blocked_period
                WHERE a.status IN %s AND b.status IN %s""",  # noqa: S608 - table names from models
            [blocking, blocking],
        )
        found.append(
            {"check": "no overlapping bookings of a unit", "violations": overlaps, "detail": ""}
        )
        unbalanced = _scalar(
            cursor,
            f"""SELECT count(*) FROM (
                  SELECT e.id FROM {JournalEntry._meta.db_table} e
                  LEFT JOIN {JournalLine._meta.db_table} l ON l.entry_id = e.id
                  GROUP BY e.id
                  HAVING count(l.id) < 2
                      OR coalesce(sum(l.debit), 0) <> coalesce(sum(l.credit), 0)
                ) unbalanced""",  # noqa: S608
        )
        found.append(
            {"check": "every journal entry balances", "violations": unbalanced, "detail": ""}
        )
        gaps = _number_gaps(cursor, JournalEntry._meta.db_table)
        found.append(
            {
                "check": "receipt and voucher numbers have no gaps",
                "violations": len(gaps),
                "detail": "; ".join(gaps),
            }
        )
        holding = Holding._meta.db_table
        for column, name in (
            ("booth_id", "no booth held twice at one time"),
            ("application_id", "no application holds two booths at one time"),
        ):
            twice = _scalar(
                cursor,
                f"""SELECT count(*) FROM {holding} a JOIN {holding} b
                      ON a.{column} = b.{column} AND a.id < b.id
                     AND a.period && b.period""",  # noqa: S608
            )
            found.append({"check": name, "violations": twice, "detail": ""})
        twice = _scalar(
            cursor,
            f"""SELECT count(*) FROM (
                  SELECT fair_id, producer_id FROM {Application._meta.db_table}
                  WHERE status <> 'withdrawn' GROUP BY fair_id, producer_id
                  HAVING count(*) > 1) twice""",  # noqa: S608
        )
        found.append(
            {"check": "one live fair application per producer", "violations": twice, "detail": ""}
        )
    mismatches = reconcile()
    found.append(
        {
            "check": "savings books reconcile",
            "violations": len(mismatches),
            "detail": "; ".join(str(m) for m in mismatches[:5]),
        }
    )
    return found


def _number_gaps(cursor, table: str) -> list[str]:
    """Series (RC2568, PV2568, …) whose numbers are not exactly 1…n."""
    cursor.execute(
        f"""SELECT split_part(document_number, '/', 1) AS series,
                   count(*), count(DISTINCT document_number),
                   max(split_part(document_number, '/', 2)::int)
            FROM {table} WHERE document <> '' AND document_number LIKE '%%/%%'
            GROUP BY 1 ORDER BY 1"""  # noqa: S608
    )
    return [
        f"{series}: {distinct} numbers up to {highest}"
        for series, total, distinct, highest in cursor.fetchall()
        if not (total == distinct == highest)
    ]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop_portal.settings")
    import django

    django.setup()
    json.dump({"counts": counts(), "checks": checks()}, sys.stdout, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
