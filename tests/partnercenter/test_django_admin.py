"""The Django admin is a write path like any other: what decides who administers whose tenant is read-only there;
what staff may do goes through the services or writes the same audit event; staff sign in with two-step
verification, through the portal's own sign-in."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from partnercenter.models import AuditEvent, Partner, SecurityGroup, Tenant, User

from ..conftest import staff_user
from ..factories import PASSWORD, totp_code

# What staff may still change here: users (audited) and new partners (through the service).
WRITABLE = {"partnercenter.User", "partnercenter.Partner"}
# Rows of these apps are compared before and after each refused change.
PRODUCT_APPS = ("partnercenter", "customers", "relationships", "autopilot")


def _snapshot() -> dict[str, list[tuple]]:
    rows = {}
    for label in PRODUCT_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
            rows[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
    return rows


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


READ_ONLY = sorted((m for m in admin.site._registry if m._meta.label not in WRITABLE), key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", READ_ONLY, ids=[m._meta.label for m in READ_ONLY])
def test_what_the_services_write_is_read_only_forstaff_user(world, staff_client, model):
    obj = model.objects.first()
    before = _snapshot()
    assert staff_client.get(_url(model, "add")).status_code == 403
    assert staff_client.post(_url(model, "add"), {}).status_code == 403
    if obj is not None:
        page = staff_client.get(_url(model, "change", obj.pk))
        assert page.status_code == 200  # staff may look
        assert 'name="_save"' not in page.content.decode()
        assert staff_client.post(_url(model, "change", obj.pk), {}).status_code == 403
        assert staff_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert _snapshot() == before


def test_every_model_that_grants_access_is_read_only(world):
    """The rows that decide access: listed here by name, so that a new one must be placed on purpose."""
    grants = {
        "partnercenter.Tenant",
        "partnercenter.SecurityGroup",
        "partnercenter.DirectoryRoleAssignment",
        "partnercenter.ResellerRelationship",
        "partnercenter.DelegatedAdminGrant",
        "partnercenter.AdminRelationship",
        "partnercenter.ApiApplication",
        "relationships.RelationshipRequest",
        "azure_subscriptions.AzureRoleAssignment",
        "autopilot.Device",
        "autopilot.DeviceBatch",
    }
    registered = {m._meta.label for m in admin.site._registry}
    assert grants <= registered
    assert not grants & WRITABLE


def test_an_apps_page_shows_its_secrets_but_never_their_hashes(world, staff_client):
    from partner_settings.app_services import api_application_create, api_client_secret_create
    from partnercenter.models import ApiApplication, ApiClientSecret, ApiPermission

    app = api_application_create(
        partner=world.partner_a,
        created_by=world.a_admin,
        display_name="Nightly sync",
        permissions=[ApiPermission.RELATIONSHIP_READ],
    )
    secret = api_client_secret_create(app=app, created_by=world.a_admin).secret
    page = staff_client.get(_url(ApiApplication, "change", app.pk)).content.decode()
    assert app.display_name in page and str(secret.public_id) in page
    assert secret.secret_hash not in page
    assert ApiClientSecret.objects.filter(pk=secret.pk).exists()


def test_staff_add_a_partner_through_the_service_with_its_groups_and_an_audit_event(staff_client):
    response = staff_client.post(
        _url(Partner, "add"), {"name": "Tailspin Partners", "primary_domain": "Tailspin.test", "partner_id": "7100001"}
    )
    assert response.status_code == 302
    partner = Partner.objects.get(partner_id="7100001")
    assert (partner.tenant.name, partner.tenant.primary_domain) == ("Tailspin Partners", "tailspin.test")
    assert set(SecurityGroup.objects.filter(tenant=partner.tenant).values_list("kind", flat=True)) == {
        SecurityGroup.Kind.ADMIN_AGENTS,
        SecurityGroup.Kind.HELPDESK_AGENTS,
        SecurityGroup.Kind.SALES_AGENTS,
    }
    event = AuditEvent.objects.get(action="partner.create")
    assert event.actor_email == "staff@site.test"
    assert event.target_tenant == partner.tenant
    assert event.details["partner_id"] == "7100001"


def test_a_partner_at_a_domain_in_use_is_refused_and_nothing_is_written(world, staff_client):
    before = _snapshot()
    response = staff_client.post(
        _url(Partner, "add"), {"name": "Copycat", "primary_domain": "contoso.test", "partner_id": "7100002"}
    )
    assert response.status_code == 200
    assert "primary domain" in response.content.decode().lower()
    assert _snapshot() == before


def test_partners_are_not_changed_or_deleted_bystaff_user(world, staff_client):
    partner = world.partner_a
    assert staff_client.post(_url(Partner, "change", partner.pk), {"partner_id": "1"}).status_code == 403
    assert staff_client.post(_url(Partner, "delete", partner.pk), {"post": "yes"}).status_code == 403
    assert Partner.objects.get(pk=partner.pk).partner_id == partner.partner_id


def _user_form(user: User, **changes) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        # The (read-only) roles inline's management form, as the page sends it.
        "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "0",
        **changes,
    }
    return {k: v for k, v in data.items() if v != ""}


def test_staff_changes_to_a_user_write_the_admin_centers_event(world, staff_client):
    user = world.x_user
    response = staff_client.post(_url(User, "change", user.pk), _user_form(user, is_active=""))
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert not user.is_active
    event = AuditEvent.objects.get(action="user.update")
    assert event.actor_email == "staff@site.test"
    assert event.target_tenant == world.customer_x
    assert event.details["is_active"] == [True, False]


def test_staff_cannot_move_a_user_to_another_tenant_or_address(world, staff_client):
    user = world.x_user
    staff_client.post(
        _url(User, "change", user.pk),
        _user_form(user, tenant=str(world.customer_y.pk), email="user@litware.test"),
    )
    user.refresh_from_db()
    assert (user.tenant, user.email) == (world.customer_x, "user@contoso.test")


def test_staff_do_not_add_or_delete_users(world, staff_client):
    assert staff_client.get(_url(User, "add")).status_code == 403
    assert staff_client.post(_url(User, "delete", world.x_user.pk), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=world.x_user.pk).exists()


def test_a_password_set_by_staff_is_audited(world, staff_client):
    user = world.x_user
    new = "Another-horse-battery-7"
    response = staff_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    event = AuditEvent.objects.get(action="user.password_reset")
    assert (event.actor_email, event.target_tenant) == ("staff@site.test", world.customer_x)


# Two-step verification.


def test_staff_sign_in_to_the_admin_through_the_portal_with_a_code(db):
    staff_user()
    client = Client()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    response = client.post(
        reverse("account_login"), {"login": "staff@site.test", "password": PASSWORD, "next": reverse("admin:index")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302  # the password alone opens nothing
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_without_an_authenticator_set_one_up_before_the_admin(db):
    staff = staff_user(authenticator=False)
    client = Client()
    client.force_login(staff)
    response = client.get(reverse("admin:index"), follow=True)
    assert reverse("mfa_activate_totp") in [url for url, _status in response.redirect_chain]
    assert client.get(_url(Tenant, "changelist")).status_code == 302


def test_signed_in_users_who_are_not_staff_are_refused_the_admins_sign_in(world, client_for):
    assert client_for("x_ga").get(reverse("admin:login")).status_code == 403
