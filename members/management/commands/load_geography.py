from django.core.management.base import BaseCommand

from members.services import geography_load


class Command(BaseCommand):
    help = "Load (or bring up to date) every Thai province, district and subdistrict from geothai."

    def handle(self, *args, **options):
        result = geography_load()
        self.stdout.write(
            f"Geography {result.version}: {result.provinces} provinces, {result.districts} "
            f"districts, {result.subdistricts} subdistricts ({result.changed} added or changed)."
        )
