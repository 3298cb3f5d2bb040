from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EquipmentConfig(AppConfig):
    name = "equipment"
    verbose_name = _("Shared equipment")

    def ready(self):
        from equipment import sections_booking, sections_care, sections_reports

        sections_booking.register()
        sections_care.register()
        sections_reports.register()
