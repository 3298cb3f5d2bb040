from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SavingsConfig(AppConfig):
    name = "savings"
    verbose_name = _("Production savings group")

    def ready(self):
        from otop_portal.lib.demo import Seeder, register_seeder
        from savings import demo, sections

        sections.register()
        register_seeder(Seeder(key="savings", run=demo.seed_savings, order=50))
