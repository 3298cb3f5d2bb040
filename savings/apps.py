from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SavingsConfig(AppConfig):
    name = "savings"
    verbose_name = _("Production savings group")

    def ready(self):
        from savings import sections

        sections.register()
