"""A filter's select offers a bounded number of options, however many rows it could offer: the Activity log's User
(and Customer) selects and the Apply profile select of the Autopilot pages. A text filter reaches the rest."""

import re

from django.urls import reverse

from autopilot.selectors import PROFILE_CHOICES
from partner_settings.activity_views import CUSTOMER_CHOICES, USER_CHOICES
from partnercenter.models import AuditAction, AuditEvent

from .helpers import get
from .seeds import SEEDS


def options(page: str, select_id: str) -> int:
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', page, re.S)
    assert select is not None, select_id
    return select.group(0).count("<option")


def test_the_activity_logs_selects_are_bounded(world, client_for):
    SEEDS["partner-users"](world, 60)
    SEEDS["customers"](world, 60)
    _n, page = get(client_for("a_admin"), reverse("partnersettings:activity"))
    assert options(page, "id_user") == USER_CHOICES + 1  # and "All users"
    assert options(page, "id_customer") == CUSTOMER_CHOICES + 1


def test_the_user_text_filter_finds_a_user_the_select_does_not_offer(world, client_for):
    SEEDS["partner-users"](world, 60)
    AuditEvent.objects.create(
        actor=world.a_sales,
        actor_email=world.a_sales.email,
        actor_tenant=world.partner_a.tenant,
        action=AuditAction.SUBSCRIPTION_CREATE,
    )
    AuditEvent.objects.create(
        actor=world.a_admin,
        actor_email=world.a_admin.email,
        actor_tenant=world.partner_a.tenant,
        action=AuditAction.LICENSE_ASSIGN,
    )
    _n, page = get(client_for("a_admin"), reverse("partnersettings:activity"), {"user_q": "SALES@"})
    assert "1 event" in page and "Added a subscription" in page


def test_the_apply_profile_select_is_bounded(world, client_for):
    SEEDS["profiles"](world, PROFILE_CHOICES + 20)
    _n, page = get(client_for("a_admin"), reverse("customers:devices", args=[world.customer_x.public_id]))
    assert options(page, "apply-profile") == PROFILE_CHOICES
