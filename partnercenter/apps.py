from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PartnerCenterConfig(AppConfig):
    name = "partnercenter"
    verbose_name = _("Directory")

    def ready(self) -> None:
        # The app registry is ready only now (AppConfig.ready): registers the system checks, connects the receivers.
        from . import checks, signals  # noqa: F401, PLC0415


class PartnerCenterAdminConfig(admin_apps.AdminConfig):
    """The Django admin on the portal's own site class (partnercenter/admin_site.py): staff sign in with two-step
    verification."""

    default = False  # named in INSTALLED_APPS; the directory's own config stays this module's default
    default_site = "partnercenter.admin_site.AdminSite"
