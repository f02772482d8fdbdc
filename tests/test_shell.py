"""The shell around every page: security headers, strict CSP, links built from SITE_URL, the local mailbox,
demo data and the Django admin."""

import io
import re

from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from partnercenter.mailbox import LocalMailboxBackend
from partnercenter.models import DelegatedAdminGrant, LocalMailboxMessage, Partner, ResellerRelationship, Tenant, User
from relationships.models import RelationshipRequest


def test_every_page_has_a_strict_content_security_policy(world, client_for):
    response = client_for("a_admin").get(reverse("customers:list"))
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_style(world, client_for):
    for name in ["customers:list", "relationships:request_new", "relationships:request_list"]:
        page = client_for("a_admin").get(reverse(name)).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), name
        assert "<style" not in page and " style=" not in page, name


def test_links_in_emails_come_from_site_url_not_the_host_header(world, client_for, settings):
    settings.SITE_URL = "https://portal.example"
    settings.ALLOWED_HOSTS = ["testserver", "other.test"]
    response = client_for("a_admin").post(reverse("relationships:request_new"), {"x": "1"}, HTTP_HOST="other.test")
    page = response.content.decode()
    assert "https://portal.example/invitations/" in page
    assert "other.test/invitations/" not in page


def test_the_local_mailbox_shows_what_was_sent(db, settings):
    settings.LOCAL_MAILBOX_ENABLED = True
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives("Hello", "Open http://testserver/x", "from@test", ["to@test"])
    message.attach_alternative("<p>Hello <b>there</b></p>", "text/html")
    assert LocalMailboxBackend(alias="default").send_messages([message]) == 1
    stored = LocalMailboxMessage.objects.get()
    client = Client()
    assert "Hello" in client.get(reverse("mailbox")).content.decode()
    page = client.get(reverse("mailbox_message", args=[stored.pk])).content.decode()
    assert '<a href="http://testserver/x"' in page
    html = client.get(reverse("mailbox_message_html", args=[stored.pk]))
    assert "<b>there</b>" in html.content.decode()
    assert "script-src" not in html["Content-Security-Policy"]
    assert "default-src 'none'" in html["Content-Security-Policy"]


def test_demo_data_is_idempotent(db):
    call_command("demo_data", extra_customers=3, stdout=io.StringIO())
    counts = [m.objects.count() for m in (Tenant, User, Partner, ResellerRelationship, DelegatedAdminGrant)]
    call_command("demo_data", extra_customers=3, stdout=io.StringIO())
    assert [m.objects.count() for m in (Tenant, User, Partner, ResellerRelationship, DelegatedAdminGrant)] == counts
    assert RelationshipRequest.objects.filter(state="pending").count() == 1
    assert User.objects.get(email="admin@fabrikam.example").check_password("Demo-password-2026")


def test_every_model_is_in_the_admin_with_a_working_search(world, staff_client):
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert staff_client.get(url).status_code == 200, url
        if admin.site._registry[model].search_fields:
            assert staff_client.get(url, {"q": "contoso"}).status_code == 200, url
    for label in ("partnercenter.Tenant", "relationships.RelationshipRequest", "partnercenter.AuditEvent"):
        assert any(m._meta.label == label for m in admin.site._registry), label


def test_audit_events_are_read_only_in_the_admin(world, staff_client):
    assert staff_client.get(reverse("admin:partnercenter_auditevent_add")).status_code == 403
