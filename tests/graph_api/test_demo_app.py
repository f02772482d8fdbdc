"""The demo's app of Fabrikam: its published client ID and secret get a token at the token endpoint, which lists
Fabrikam's admin relationships, as the README's curl does; demo_data run again leaves one such secret."""

from io import StringIO

from django.core.management import call_command
from django.test import Client

from demo.management.commands.demo_data import DEMO_APP_CLIENT_ID, DEMO_APP_SECRET
from partnercenter.models import ApiApplication

from .helpers import SCOPE, form_post


def test_the_demo_apps_published_secret_gets_a_token_that_lists_fabrikams_relationships(db):
    out = StringIO()
    call_command("demo_data", extra_customers=0, stdout=out)
    assert f"client ID {DEMO_APP_CLIENT_ID}  secret {DEMO_APP_SECRET}" in out.getvalue()
    call_command("demo_data", extra_customers=0, stdout=StringIO())  # idempotent
    app = ApiApplication.objects.get(public_id=DEMO_APP_CLIENT_ID)
    assert (app.partner.tenant.primary_domain, app.secrets.count()) == ("fabrikam.example", 1)

    response = form_post(
        Client(),
        "/fabrikam.example/oauth2/v2.0/token",
        {
            "grant_type": "client_credentials",
            "client_id": DEMO_APP_CLIENT_ID,
            "client_secret": DEMO_APP_SECRET,
            "scope": SCOPE,
        },
    )
    assert response.status_code == 200, response.content
    api = Client(headers={"Authorization": f"Bearer {response.json()['access_token']}"})
    names = {
        item["displayName"] for item in api.get("/v1.0/tenantRelationships/delegatedAdminRelationships").json()["value"]
    }
    assert "Adventure Works support" in names
