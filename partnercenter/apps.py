from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerCenterConfig(AppConfig):
    name = "partnercenter"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
