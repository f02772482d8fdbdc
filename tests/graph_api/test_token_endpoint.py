"""The token endpoint: client credentials as Microsoft's /{tenant}/oauth2/v2.0/token takes them."""

import base64
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partner_settings.app_services import api_application_remove, api_client_secret_revoke
from partnercenter.models import ApiAccessToken, ApiApplication, ApiClientSecret

from .helpers import app_with_secret, form_post, token_response

LIST = "/v1.0/tenantRelationships/delegatedAdminRelationships"


def test_client_credentials_give_a_short_lived_bearer_token_that_opens_the_api(world):
    client_id, secret = app_with_secret(world.partner_a, world.a_admin)
    response = token_response(Client(), str(world.partner_a.tenant.public_id), client_id, secret)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert ApiClientSecret.objects.get().last_used_at is not None
    stored = ApiAccessToken.objects.get()
    assert stored.token_hash != body["access_token"]  # only the hash is kept
    api = Client(headers={"Authorization": f"Bearer {body['access_token']}"})
    assert api.get(LIST).status_code == 200


def test_the_tenant_may_be_named_by_its_domain_and_http_basic_carries_the_credentials(world):
    client_id, secret = app_with_secret(world.partner_a, world.a_admin)
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    response = form_post(
        Client(),
        reverse("graphapi:token", args=["fabrikam.test"]),
        {"grant_type": "client_credentials", "scope": "http://testserver/.default"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200, response.content


def test_wrong_secret_other_tenant_and_bad_scope_are_refused_in_oauths_shape(world):
    client_id, secret = app_with_secret(world.partner_a, world.a_admin)
    a, b = str(world.partner_a.tenant.public_id), str(world.partner_b.tenant.public_id)
    assert token_response(Client(), a, client_id, "wrong").json()["error"] == "invalid_client"
    assert token_response(Client(), b, client_id, secret).json()["error"] == "invalid_client"
    bad_scope = token_response(Client(), a, client_id, secret, scope="https://evil.example/.default")
    assert (bad_scope.status_code, bad_scope.json()["error"]) == (400, "invalid_scope")
    wrong_grant = form_post(
        Client(),
        reverse("graphapi:token", args=[a]),
        {"grant_type": "password", "client_id": client_id, "client_secret": secret, "scope": "x/.default"},
    )
    assert wrong_grant.json()["error"] == "unsupported_grant_type"
    assert not ApiAccessToken.objects.exists()


def test_expired_or_revoked_secrets_and_removed_apps_get_no_token_and_their_tokens_stop(world):
    client_id, secret = app_with_secret(world.partner_a, world.a_admin)
    tenant = str(world.partner_a.tenant.public_id)
    token = token_response(Client(), tenant, client_id, secret).json()["access_token"]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    stored = ApiClientSecret.objects.get()
    api_client_secret_revoke(secret=stored, revoked_by=world.a_admin)
    assert token_response(Client(), tenant, client_id, secret).status_code == 401
    response = api.get(LIST)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "InvalidAuthenticationToken"

    client_id, secret = app_with_secret(world.partner_a, world.a_admin, name="Second")
    ApiClientSecret.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert token_response(Client(), tenant, client_id, secret).status_code == 401

    client_id, secret = app_with_secret(world.partner_a, world.a_admin, name="Third")
    token = token_response(Client(), tenant, client_id, secret).json()["access_token"]
    api_application_remove(app=ApiApplication.objects.get(display_name="Third"), removed_by=world.a_admin)
    assert Client(headers={"Authorization": f"Bearer {token}"}).get(LIST).status_code == 401


def test_an_expired_token_is_refused(world):
    client_id, secret = app_with_secret(world.partner_a, world.a_admin)
    token = token_response(Client(), str(world.partner_a.tenant.public_id), client_id, secret).json()["access_token"]
    ApiAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client(headers={"Authorization": f"Bearer {token}"}).get(LIST)
    assert response.status_code == 401


def test_the_token_endpoint_takes_post_only(world):
    response = Client().get(reverse("graphapi:token", args=["fabrikam.test"]))
    assert response.status_code == 405
