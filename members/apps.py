from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Network registry")

    def ready(self):
        from members import demo, demo_registry, sections
        from otop_portal.lib.demo import Seeder, register_seeder

        sections.register()
        register_seeder(Seeder(key="members.accounts", run=demo.seed_accounts, order=10))
        register_seeder(Seeder(key="members.registry", run=demo_registry.seed_registry, order=20))
