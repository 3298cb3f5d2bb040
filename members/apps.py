from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Network registry")

    def ready(self):
        from members import demo, demo_committees, demo_registry, sections, sections_committees
        from otop_portal.lib.demo import Seeder, register_seeder

        sections.register()
        sections_committees.register()
        register_seeder(Seeder(key="members.accounts", run=demo.seed_accounts, order=10))
        register_seeder(Seeder(key="members.registry", run=demo_registry.seed_registry, order=20))
        register_seeder(
            Seeder(key="members.committees", run=demo_committees.seed_committees, order=30)
        )
