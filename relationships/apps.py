from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    name = "relationships"
    verbose_name = _("Relationships")

    def ready(self) -> None:
        # Imported here, not at the top: apps.py is imported before the models are ready.
        from partnercenter.audit_labels import register_detail_values  # noqa: PLC0415 -- see above

        from .models import ShareMethod  # noqa: PLC0415 -- see above

        register_detail_values("how", ShareMethod)
