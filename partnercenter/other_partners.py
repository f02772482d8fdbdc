"""What a partner may learn about a customer's other partners. A partner acting for a customer reads, wherever it can
look (admin center pages and their exports), its own name and the customer's, but never another partner's: it gets
"Another partner" instead, and the names of another partner's objects (Azure subscriptions it provisioned and
their resource groups, its device lists, its groups) are withheld. Settings > Partner relationships is closed to it
for the same reason: who else works for the customer is the customer's to know. The customer's own users read
every partner's name.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from .models import Partner, Tenant

ANOTHER_PARTNER = gettext_lazy("Another partner")  # a name makemessages knows


def partner_name_as_seen(partner: Partner | Tenant, *, viewer: Partner | None) -> str:
    """A partner's name (given as the partner or its tenant) as `viewer` may read it: `viewer` is the partner acting
    for the customer, None for the customer's own users, who read every name."""
    tenant_id = partner.tenant_id if isinstance(partner, Partner) else partner.pk
    if viewer is None or tenant_id == viewer.tenant_id:
        return partner.name
    return str(ANOTHER_PARTNER)


@dataclass(frozen=True)
class OtherPartners:
    """A customer's other partners as one viewer must not learn them (the rule above); nothing is hidden from the
    customer's own users (viewer None). `names` is what must not appear in a response to the viewer."""

    customer: Tenant
    viewer: Partner | None
    tenant_ids: frozenset[int]
    names: frozenset[str]
    # The public IDs of objects other partners provisioned for the customer (its Azure subscriptions): events about
    # them are theirs. Given by the caller, which knows the services that have such objects.
    their_object_ids: frozenset[str] = frozenset()

    def name_of(self, partner: Partner | Tenant) -> str:
        return partner_name_as_seen(partner, viewer=self.viewer)

    def is_other_partner_tenant(self, tenant_id: int | None) -> bool:
        """Any tenant but the customer and the viewer's own is another partner's, to a partner viewer."""
        return (
            self.viewer is not None
            and tenant_id is not None
            and tenant_id not in (self.customer.pk, self.viewer.tenant_id)
        )

    def redact(self, text: str) -> str:
        """The text with every other partner's name replaced: for free text written before the viewer asked (audit
        details name principals such as "Admin Agents — Northwind")."""
        for name in sorted(self.names, key=len, reverse=True):
            text = text.replace(name, str(ANOTHER_PARTNER))
        return text

    def withholds_event_details(self, event) -> bool:
        """Whether an audit event's details are about another partner or its objects, so withheld from the viewer:
        another partner's agent did it, it names another partner (its partner ID), or it is about an Azure
        subscription another partner provisioned."""
        if self.viewer is None:
            return False
        details = event.details if isinstance(event.details, dict) else {}
        partner_id = details.get("partner_id")
        return (
            self.is_other_partner_tenant(event.actor_tenant_id)
            or (partner_id not in (None, "") and partner_id != self.viewer.partner_id)
            or str(details.get("subscription_id", "")) in self.their_object_ids
        )


def other_partners_for(
    customer: Tenant, viewer: Partner | None, *, their_object_ids: frozenset[str] = frozenset()
) -> OtherPartners:
    """The customer's other partners as `viewer` (the partner acting for it; None for its own users) must not learn
    them: every partner that has or had a reseller relationship with it, but the viewer. One query, none for the
    customer's own users."""
    if viewer is None:
        return OtherPartners(customer, None, frozenset(), frozenset())
    others = (
        Tenant.objects.filter(partner__reseller_relationships__customer=customer)
        .exclude(pk=viewer.tenant_id)
        .values_list("pk", "name")
        .distinct()
    )
    pairs = list(others)
    return OtherPartners(
        customer,
        viewer,
        frozenset(pk for pk, _name in pairs),
        frozenset(n for _pk, n in pairs),
        their_object_ids,
    )
