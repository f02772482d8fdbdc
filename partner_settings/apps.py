from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerSettingsConfig(AppConfig):
    name = "partner_settings"
    verbose_name = _("Partner settings")
