from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AzureSubscriptionsConfig(AppConfig):
    name = "azure_subscriptions"
    verbose_name = _("Azure")
