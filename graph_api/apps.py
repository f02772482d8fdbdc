from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GraphApiConfig(AppConfig):
    """Partners' tools: a Microsoft Graph-compatible API for admin relationships (GDAP) under /v1.0/, and the OAuth 2.0
    token endpoint that gives partners' apps their bearer tokens. Every change goes through admin_relationships'
    services; this app only speaks Graph's language."""

    name = "graph_api"
    verbose_name = _("Graph API")
