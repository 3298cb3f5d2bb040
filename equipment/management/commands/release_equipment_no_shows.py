from django.core.management.base import BaseCommand

from equipment.services_care_extra import no_shows_release


class Command(BaseCommand):
    help = (
        "Release approved bookings not picked up in time (R18) and offer freed times to "
        "the waitlist (R21). Idempotent: run it from cron as often as you like."
    )

    def handle(self, *args, **options):
        result = no_shows_release()
        self.stdout.write(
            f"No-shows released: {result.released}; waitlist offers made: {result.offered}."
        )
