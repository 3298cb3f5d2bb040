from django.core.management.base import BaseCommand

from equipment.services_care_extra import reminders_send


class Command(BaseCommand):
    help = (
        "Email the equipment reminders due now (R17): a day before a pickup, a day before "
        "a loan is due back, and each day a loan is overdue. Each is sent once, so cron "
        "may run this as often as it likes."
    )

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"Equipment reminders: {sent} sent.")
