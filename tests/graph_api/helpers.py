"""Apps, secrets and tokens for the API's tests, obtained the way a partner's tool obtains them: the app and its
secret through Settings' services, the token from the token endpoint."""

from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from partner_settings.app_services import api_application_create, api_client_secret_create
from partnercenter.models import ApiPermission, Partner, User

ALL = [ApiPermission.RELATIONSHIP_READ_WRITE, ApiPermission.CUSTOMER_READ]
READ_ONLY = [ApiPermission.RELATIONSHIP_READ, ApiPermission.CUSTOMER_READ]
SCOPE = "https://graph.microsoft.com/.default"


def app_with_secret(partner: Partner, admin: User, permissions=ALL, name: str = "Automation") -> tuple[str, str]:
    """A new app of `partner` with one secret: (client ID, secret)."""
    app = api_application_create(partner=partner, created_by=admin, display_name=name, permissions=permissions)
    return str(app.public_id), api_client_secret_create(app=app, created_by=admin).value


def token_response(client: Client, tenant: str, client_id: str, secret: str, scope: str = SCOPE):
    return form_post(
        client,
        reverse("graphapi:token", args=[tenant]),
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": scope},
    )


def form_post(client: Client, url: str, data: dict, **extra):
    """A form POST as OAuth 2.0 clients send it (application/x-www-form-urlencoded, not the test client's multipart)."""
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded", **extra)


def bearer(partner: Partner, admin: User, permissions=ALL) -> str:
    """A bearer token of a new app of `partner`, from the token endpoint."""
    client_id, secret = app_with_secret(partner, admin, permissions)
    response = token_response(Client(), str(partner.tenant.public_id), client_id, secret)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]
