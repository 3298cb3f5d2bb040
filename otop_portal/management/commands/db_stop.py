from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from otop_portal.lib.database import stop_embedded_server


class Command(BaseCommand):
    help = "Stop the embedded PostgreSQL (it keeps running between commands otherwise)."

    def handle(self, *args, **options):
        pgdata = settings.DATABASES["default"].get("EMBEDDED_PGDATA")
        if not pgdata:
            self.stdout.write("DATABASE_URL is set: there is no embedded PostgreSQL to stop.")
        elif stop_embedded_server(Path(pgdata)):
            self.stdout.write(f"Stopped the embedded PostgreSQL in {pgdata}.")
        else:
            self.stdout.write(f"The embedded PostgreSQL in {pgdata} was not running.")
