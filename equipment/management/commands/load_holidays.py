from django.core.management.base import BaseCommand
from django.utils import timezone

from equipment.services_care_extra import holidays_load


class Command(BaseCommand):
    help = (
        "Add Thailand's public holidays of this year and next (or the years given) as "
        "non-working days. Dates that already have a row, such as a holiday staff renamed "
        "or an office closure, are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years", help="C.E. year")

    def handle(self, *args, years=None, **options):
        this_year = timezone.localdate().year
        years = sorted(set(years or [this_year, this_year + 1]))
        result = holidays_load(years=years)
        self.stdout.write(
            f"Public holidays {', '.join(map(str, years))}: {result.added} added, "
            f"{result.kept} already there."
        )
