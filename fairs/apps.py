from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairsConfig(AppConfig):
    name = "fairs"
    verbose_name = _("Fair booths")

    def ready(self):
        from fairs import demo, sections
        from otop_portal.lib.demo import Seeder, register_seeder

        sections.register()
        register_seeder(Seeder(key="fairs", run=demo.seed_fairs, order=60))
