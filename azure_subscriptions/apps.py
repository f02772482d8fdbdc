from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AzureSubscriptionsConfig(AppConfig):
    name = "azure_subscriptions"
    verbose_name = _("Azure")

    def ready(self) -> None:
        # Imported here, not at the top: apps.py is imported before the models are ready.
        from partnercenter.audit_labels import register_detail_values  # noqa: PLC0415 -- see above

        from .models import AzureRole, Region  # noqa: PLC0415 -- see above

        register_detail_values("azure_role", AzureRole)
        register_detail_values("region", Region)
