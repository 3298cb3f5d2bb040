from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from otop_portal.lib import database
from otop_portal.lib.demo import DEMO_PASSWORD, real_accounts, seeders


class Command(BaseCommand):
    help = "Write the Sa Kaeo demo data and one login per persona (demo databases only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--not-a-demo-i-know",
            action="store_true",
            dest="force",
            help="Run even on what looks like a real database (writes demo accounts with a "
            "known password).",
        )

    def handle(self, *args, force=False, **options):
        if not force:
            self._refuse_a_real_database()
        logins = []
        with transaction.atomic():
            for seeder in seeders():
                logins.extend(seeder.run())
        self._print_logins(logins)

    def _refuse_a_real_database(self):
        if not settings.DEBUG:
            raise CommandError(
                "DEBUG is off, so this looks like a real database: seed_demo writes demo "
                "accounts with a known password. Run it with DEBUG=1 on a demo database, or "
                "add --not-a-demo-i-know if you really mean it."
            )
        count = real_accounts()
        if count and not database.uses_embedded_database():
            raise CommandError(
                f"The database DATABASE_URL names has {count} accounts that are not demo "
                "accounts, so it looks like a real database: seed_demo writes demo accounts "
                "with a known password. Unset DATABASE_URL to use the embedded demo "
                "database, or add --not-a-demo-i-know if you really mean it."
            )

    def _print_logins(self, logins):
        width = max((len(login.username) for login in logins), default=8)
        self.stdout.write(
            f"Demo data ready. Every demo login's password / รหัสผ่านของทุกบัญชีตัวอย่าง: {DEMO_PASSWORD}"
        )
        for login in logins:
            detail = f" ({login.detail})" if login.detail else ""
            self.stdout.write(f"  {login.username.ljust(width)}  {login.persona}{detail}")
