from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutopilotConfig(AppConfig):
    name = "autopilot"
    verbose_name = _("Autopilot")
