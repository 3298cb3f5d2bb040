from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EquipmentConfig(AppConfig):
    name = "equipment"
    verbose_name = _("Shared equipment")

    def ready(self):
        from equipment import demo, sections_booking, sections_care, sections_reports
        from otop_portal.lib.demo import Seeder, register_seeder

        sections_booking.register()
        sections_care.register()
        sections_reports.register()
        register_seeder(Seeder(key="equipment", run=demo.seed_equipment, order=40))
