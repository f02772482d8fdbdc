from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdminRelationshipsConfig(AppConfig):
    """Granular delegated admin privileges (GDAP): the flows that create, approve, assign and end admin
    relationships. The rows that decide access (AdminRelationship, AccessAssignment) are the core's; the app's own
    tables (role templates, what a relationship requested from one will assign, bulk requests) are in its models."""

    name = "admin_relationships"
    verbose_name = _("Admin relationships")
