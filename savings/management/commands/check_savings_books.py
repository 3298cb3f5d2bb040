import logging

from django.core.management.base import BaseCommand, CommandError

from savings.services import reconcile

logger = logging.getLogger("savings.books")


class Command(BaseCommand):
    help = (
        "Reconcile the savings group's books (meant for a nightly cron): every member's "
        "sub-ledgers against their balances and the control accounts, each loan against "
        "its lines, holds against guarantees and pending withdrawals, and the trial "
        "balance. Exits with an error and logs each mismatch when they disagree."
    )

    def handle(self, *args, **options):
        mismatches = reconcile()
        if not mismatches:
            self.stdout.write("Savings books reconcile: no mismatch.")
            return
        for mismatch in mismatches:
            logger.error("savings books mismatch: %s", mismatch)
            self.stderr.write(str(mismatch))
        raise CommandError(f"Savings books do not reconcile: {len(mismatches)} mismatch(es).")
