"""Settings > Partner relationships' hand-written queries (relationships.selectors.PartnerRelationshipRows, on
PostgreSQL) show exactly what the ORM's query shows (the embedded default's): the same rows, the same links, page
after page, either way round, whether the page gathers the customer's partners or walks the partners' name index."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from partnercenter.models import DelegatedAdminGrant, Partner, ResellerRelationship, Tenant
from relationships import admin_center_views
from relationships.selectors import PartnerRelationshipRows

from ..lists.helpers import get, walk_shown

SHOWN = re.compile(r"<tbody>.*?</tbody>|<nav class=\"pagination\".*?</nav>|<p class=\"empty\">.*?</p>", re.S)


def seed(world) -> None:
    """Partners of customer X of every kind (reseller, delegated admin alone, both; ended ones, not shown), names
    that repeat and that need escaping, between partners of customer Y's in the order of names."""
    names = [f"Tailspin {n % 41:03d}" for n in range(110)] + ["<Adatum> & Sons", "Ünïcode Partners", "50% Partners"]
    tenants = Tenant.objects.bulk_create(
        Tenant(name=name, primary_domain=f"p{n:03d}.partners.example") for n, name in enumerate(names)
    )
    partners = Partner.objects.bulk_create(
        Partner(tenant=t, partner_id=f"77{n:05d}", tenant_name=t.name) for n, t in enumerate(tenants)
    )
    now = timezone.now()
    ResellerRelationship.objects.bulk_create(
        ResellerRelationship(
            partner=p, customer=world.customer_y if n % 9 == 0 else world.customer_x, is_active=n % 7 != 0
        )
        for n, p in enumerate(partners)
        if n % 4 != 3
    )
    DelegatedAdminGrant.objects.bulk_create(
        DelegatedAdminGrant(partner=p, customer=world.customer_x, removed_at=now if n % 5 == 0 else None)
        for n, p in enumerate(partners)
        if n % 3 == 0 or n % 4 == 3
    )


def walk(client, url: str, params: dict) -> list[str]:
    return walk_shown(client, url, params, SHOWN)


@pytest.mark.parametrize("gather_max", [PartnerRelationshipRows.GATHER_MAX, 0], ids=["gathered", "walked"])
@pytest.mark.parametrize("params", [{"sort": "name"}, {"sort": "-name"}, {"page": "3"}, {"page": "99"}, {}])
def test_the_hand_written_queries_show_what_the_orm_shows(world, client_for, monkeypatch, gather_max, params):
    seed(world)
    monkeypatch.setattr(PartnerRelationshipRows, "GATHER_MAX", gather_max)
    client = client_for("x_ga")
    url = reverse("admincenter:partner_relationships", args=[world.customer_x.public_id])
    params = {**params, "size": 25}

    by_sql = walk(client, url, params)
    monkeypatch.setattr(admin_center_views, "partner_relationship_source", lambda customer: None)
    by_orm = walk(client, url, params)

    assert by_sql == by_orm
    assert len(by_sql) >= 3 and "Tailspin 000" in "".join(by_sql) and "&lt;Adatum&gt; &amp; Sons" in "".join(by_sql)


def test_the_selected_partner_is_marked_as_the_orm_marks_it(world, client_for, monkeypatch):
    seed(world)
    client = client_for("x_ga")
    partner = Partner.objects.get(tenant__name="<Adatum> & Sons")
    url = reverse(
        "admincenter:partner_relationship_detail", args=[world.customer_x.public_id, partner.tenant.public_id]
    )

    _n, by_sql = get(client, url)
    monkeypatch.setattr(admin_center_views, "partner_relationship_source", lambda customer: None)
    _n, by_orm = get(client, url)

    assert SHOWN.findall(by_sql) == SHOWN.findall(by_orm)
    assert 'class="selected"' in by_sql and 'aria-current="true"' in by_sql


def test_a_partner_copies_its_tenants_name(world):
    """The walk orders by the copy (Partner.tenant_name): every way a partner is made fills it."""
    assert Partner.objects.filter(tenant_name="").count() == 0
    for partner in Partner.objects.select_related("tenant"):
        assert partner.tenant_name == partner.tenant.name
