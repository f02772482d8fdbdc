"""The OAuth 2.0 side, on oauthlib: the client credentials grant at a token endpoint shaped like Microsoft's
(/{tenant}/oauth2/v2.0/token, scope <base>/.default), and bearer tokens checked on every API call.

oauthlib does the protocol (parsing the request, client authentication by body or HTTP Basic, the grant's rules, the
error answers, the token itself); this module tells it where the portal keeps apps, secrets and tokens. Not
django-oauth-toolkit: its Application has one secret and its own tables, where an app here has several secrets, each
with its expiry and last use, revocable one by one, in the core's tables that Settings and the API both read."""

import base64
import binascii
import contextlib
import uuid
from urllib.parse import unquote

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from oauthlib.oauth2 import BackendApplicationServer, RequestValidator

from partnercenter.models import ApiAccessToken, ApiApplication, ApiClientSecret
from partnercenter.tokens import token_hash

from .services import access_token_save

# The resources a token may be asked for: this portal, or Microsoft Graph itself, so that a script written for Graph
# asks for the same scope and only changes its base URL.
GRAPH_RESOURCE = "https://graph.microsoft.com"


def _resources() -> set[str]:
    return {GRAPH_RESOURCE, settings.SITE_URL.rstrip("/")}


def _client_credentials(request) -> tuple[str, str]:
    """client_id and client_secret from the form body, or from HTTP Basic (client_secret_basic)."""
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(auth[6:].strip()).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return request.client_id or "", request.client_secret or ""


class Validator(RequestValidator):
    """Apps of the partner whose tenant the URL names; secrets unexpired and unrevoked; tokens unexpired."""

    def __init__(self, tenant: str = ""):
        self.tenant = tenant

    def client_authentication_required(self, request, *args, **kwargs) -> bool:
        return True

    def authenticate_client(self, request, *args, **kwargs) -> bool:
        client_id, secret = _client_credentials(request)
        try:
            public_id = uuid.UUID(client_id)
        except ValueError:
            return False
        tenant = Q(partner__tenant__primary_domain__iexact=self.tenant)
        with contextlib.suppress(ValueError):  # a domain name, not a tenant ID
            tenant |= Q(partner__tenant__public_id=uuid.UUID(self.tenant))
        app = (
            ApiApplication.objects.select_related("partner__tenant")
            .filter(tenant, public_id=public_id, removed_at__isnull=True)
            .first()
        )
        if app is None or not secret:
            return False
        found = ApiClientSecret.objects.filter(
            application=app, secret_hash=token_hash(secret), revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).first()
        if found is None:
            return False
        request.client = app
        request.client_id = str(app.public_id)
        request.api_secret = found
        return True

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs) -> bool:
        return grant_type == "client_credentials"

    def get_default_scopes(self, client_id, request, *args, **kwargs) -> list[str]:
        return []  # Microsoft's endpoint asks for a scope too

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs) -> bool:
        return bool(scopes) and all(
            scope.endswith("/.default") and scope.removesuffix("/.default").rstrip("/") in _resources()
            for scope in scopes
        )

    def save_bearer_token(self, token, request, *args, **kwargs) -> None:
        access_token_save(secret=request.api_secret, token=token["access_token"], expires_in=token["expires_in"])

    def validate_bearer_token(self, token, scopes, request) -> bool:
        if not token:
            return False
        found = (
            ApiAccessToken.objects.select_related("application__partner__tenant", "secret")
            .filter(
                token_hash=token_hash(token),
                expires_at__gt=timezone.now(),
                secret__revoked_at__isnull=True,
                application__removed_at__isnull=True,
            )
            .first()
        )
        if found is None:
            return False
        request.api_application = found.application
        return True


def server(tenant: str = "") -> BackendApplicationServer:
    return BackendApplicationServer(Validator(tenant), token_expires_in=settings.GRAPH_API_TOKEN_SECONDS)


def _scope_default(token: dict) -> dict:
    """Microsoft's answer also says how long the token may be used when its issuer is down (the same here)."""
    token["ext_expires_in"] = token["expires_in"]
    return token


def issue(tenant: str, uri: str, body: str, headers: dict) -> tuple[dict, str, int]:
    endpoint = server(tenant)
    endpoint.credentials_grant.register_token_modifier(_scope_default)
    return endpoint.create_token_response(uri, "POST", body, headers)


def authenticate(uri: str, method: str, headers: dict) -> ApiApplication | None:
    """The app whose bearer token the request carries, or None (no token, unknown, expired, revoked)."""
    valid, request = server().verify_request(uri, method, None, headers)
    return request.api_application if valid else None
