"""Settings > Apps: an Admin agent registers an app, adds a secret shown once, sees when it was last used, revokes
it; what the app does through the API shows on the Activity log under the app's name."""

from django.test import Client
from django.urls import reverse

from admin_relationships.services import admin_relationship_create
from partner_settings.app_services import api_application_create
from partnercenter.models import ApiApplication, ApiClientSecret, ApiPermission, AuditAction, AuditEvent
from tests.graph_api.helpers import token_response


def test_admin_agent_registers_an_app_and_its_secret_is_shown_once_and_kept_hashed(world, client_for):
    admin = client_for("a_admin")
    response = admin.post(
        reverse("partnersettings:app_new"),
        {"display_name": "Automation", "permissions": [ApiPermission.RELATIONSHIP_READ_WRITE]},
    )
    app = ApiApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("partnersettings:app", args=[app.public_id])
    assert app.permissions == [ApiPermission.RELATIONSHIP_READ_WRITE]

    shown = admin.post(reverse("partnersettings:app_secret_new", args=[app.public_id]), {"lifetime_days": "90"})
    assert shown.status_code == 200
    assert "no-cache" in shown["Cache-Control"] or "no-store" in shown["Cache-Control"]
    value = shown.context["new_secret"]
    assert value in shown.content.decode()
    secret = ApiClientSecret.objects.get()
    assert secret.secret_hash != value and value not in secret.secret_hash
    page = admin.get(reverse("partnersettings:app", args=[app.public_id])).content.decode()
    assert value not in page  # once only
    assert "Never" in page

    assert token_response(Client(), str(world.partner_a.tenant.public_id), str(app.public_id), value).status_code == 200
    assert "Never" not in admin.get(reverse("partnersettings:app", args=[app.public_id])).content.decode()

    revoked = admin.post(reverse("partnersettings:app_secret_revoke", args=[app.public_id, secret.public_id]))
    assert revoked.status_code == 302
    assert token_response(Client(), str(world.partner_a.tenant.public_id), str(app.public_id), value).status_code == 401
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditAction.API_APP_CREATE, AuditAction.API_SECRET_CREATE, AuditAction.API_SECRET_REVOKE} <= actions


def test_registering_without_a_name_says_so_and_writes_nothing(world, client_for):
    response = client_for("a_admin").post(reverse("partnersettings:app_new"), {"display_name": "  "})
    assert response.status_code == 400
    assert not ApiApplication.objects.exists()


def test_what_an_app_did_shows_on_the_activity_log_under_its_name(world, client_for):
    app = api_application_create(
        partner=world.partner_a, created_by=world.a_admin, display_name="Nightly sync", permissions=[]
    )
    admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=None,
        display_name="Helpdesk",
        roles=["helpdesk_admin"],
        app=app,
    )
    page = client_for("a_admin").get(reverse("partnersettings:activity")).content.decode()
    assert "Nightly sync (app)" in page
