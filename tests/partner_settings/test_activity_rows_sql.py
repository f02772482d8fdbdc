"""The Activity log's hand-written queries (partnercenter.selectors.ActivityRows, on PostgreSQL) show exactly what the
ORM's query shows (the embedded default's): the same rows, count and links, page after page, either way round, with
every filter."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partner_settings import activity_views
from partnercenter.models import AuditAction, AuditEvent, ResellerRelationship

from ..factories import TenantFactory
from ..lists.helpers import walk_shown

SHOWN = re.compile(
    r'<p class="count".*?</p>|<tbody>.*?</tbody>|<nav class="pagination".*?</nav>|<p class="empty">.*?</p>', re.S
)
LOG = "partnersettings:activity"


@pytest.fixture
def events(world):
    """Partner A's events of every kind: by its users, by an address alone, by an app, by the system; for customers
    (one whose name needs escaping and holds LIKE's wildcards) and for none; with details; some at the same moment."""
    other = TenantFactory(name="50% <Adatum>_Ltd", primary_domain="adatum.test")
    ResellerRelationship.objects.create(partner=world.partner_a, customer=other)
    start = timezone.make_aware(datetime(2024, 3, 1, 9))
    actors = [
        (world.a_admin, ""),
        (world.a_sales, ""),
        (None, "gone@fabrikam.test"),
        (None, ""),
    ]
    targets = [world.customer_x, other, None]
    actions = [AuditAction.SUBSCRIPTION_CREATE, AuditAction.LICENSE_ASSIGN, AuditAction.RELATIONSHIP_REQUEST_CREATE]
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actors[n % 4][0],
            actor_email=actors[n % 4][1] or (actors[n % 4][0].email if actors[n % 4][0] else ""),
            actor_tenant=world.partner_a.tenant,
            target_tenant=targets[n % 3],
            on_behalf=n % 2 == 0,
            action=actions[n % 3],
            details={"app": "Sync"} if n % 4 == 3 and n % 8 == 3 else {"seats": n % 7, "product": "O365_E3"},
        )
        for n in range(130)
    )
    for n, event in enumerate(AuditEvent.objects.filter(actor_tenant=world.partner_a.tenant).order_by("pk")):
        AuditEvent.objects.filter(pk=event.pk).update(at=start + timedelta(hours=7 * (n // 2)))
    # One of partner B's, never shown.
    AuditEvent.objects.create(actor=world.b_admin, actor_tenant=world.partner_b.tenant, action=actions[0])
    return other


def walk(client, params: dict) -> list[str]:
    return walk_shown(client, reverse(LOG), params, SHOWN)


FILTERS = [
    {},
    {"sort": "when"},
    {"page": "3"},
    {"page": "99"},
    {"date_from": "2024-03-05", "date_to": "2024-03-12"},
    {"date_to": "2024-03-03"},
    {"customer": "x"},
    {"customer_q": "50%"},
    {"customer_q": "<ADATUM>_"},
    {"customer_q": "contoso"},
    {"action": AuditAction.LICENSE_ASSIGN.value, "sort": "when"},
    {"user": "a_sales"},
    {"user_q": "gone@"},
    {"user_q": "no one"},
    {"customer": "other", "action": AuditAction.SUBSCRIPTION_CREATE.value, "date_from": "2024-03-02"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=[str(n) for n in range(len(FILTERS))])
def test_the_hand_written_queries_show_what_the_orm_shows(world, client_for, monkeypatch, events, filters):
    ids = {"x": world.customer_x.public_id, "other": events.public_id, "a_sales": world.a_sales.public_id}
    params = {key: ids.get(value, value) for key, value in filters.items()} | {"size": 25}
    client = client_for("a_admin")

    by_sql = walk(client, params)
    monkeypatch.setattr(activity_views, "activity_source", lambda partner, filters: None)
    by_orm = walk(client, params)

    assert by_sql == by_orm
    assert "event" in by_sql[0]  # the count, or that nothing matches
