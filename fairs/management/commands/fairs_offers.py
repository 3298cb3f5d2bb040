"""Offer the booths freed since the last run to the waitlist of every fair whose
official draw is published and which is not over yet.

Pages never wait for this command: a holding's state is derived from the clock when
it is read, so an offer not answered in time shows as expired (and an unpaid booth as
released) whether or not cron ran, and the waitlist page's "offer free booths to the
waitlist" button does the same as a run. Idempotent: run it from cron as often as you
like (every 15 minutes, say); a run with nothing freed offers nothing.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fairs.models import Draw
from fairs.selectors_after import refill_preview
from fairs.services.holdings import waitlist_refill


class Command(BaseCommand):
    help = (
        "Offer free booths (offers expired, declined, unpaid or released) to the next on "
        "the waitlist at every fair with a published official draw that is not over."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be offered without offering it.",
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="Record the offers as made by this account (default: whoever published "
            "each fair's official draw).",
        )

    def handle(self, *args, dry_run=False, by=None, **options):
        account = self._account(by)
        now = timezone.now()
        draws = (
            Draw.objects.filter(
                official=True,
                published_at__isnull=False,
                fair__ends_on__gte=timezone.localdate(now),
            )
            .select_related("fair", "published_by")
            .order_by("fair__starts_on", "fair_id")
        )
        total = 0
        for draw in draws:
            fair = draw.fair
            if dry_run:
                made = [(p.booth.code, p.application.number) for p in refill_preview(fair, now)]
            else:
                offers = waitlist_refill(fair=fair, by=account or draw.published_by, now=now)
                made = [(h.booth.code, h.application.number) for h in offers]
            total += len(made)
            for booth, number in made:
                verb = "would offer" if dry_run else "offered"
                self.stdout.write(f"{fair.name}: {verb} booth {booth} to application #{number}")
        verb = "would be made" if dry_run else "made"
        self.stdout.write(f"Fairs checked: {len(draws)}; offers {verb}: {total}.")

    def _account(self, username):
        if username is None:
            return None
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active account named {username!r}.") from None
