"""Who may do what with relationship requests: the rule and the helper views call first."""

from uuid import UUID

from django.http import Http404

from partnercenter.access import partner_of, require_partner_role
from partnercenter.http import AuthenticatedRequest
from partnercenter.models import SecurityGroup

from .models import RelationshipRequest

# Requesting a reseller relationship (and sending, renewing or revoking its link) is for Admin agents and Sales agents.
REQUESTERS = frozenset({SecurityGroup.Kind.ADMIN_AGENTS, SecurityGroup.Kind.SALES_AGENTS})


def can_request(group_kinds: frozenset[str]) -> bool:
    return bool(group_kinds & REQUESTERS)


def relationship_request_for(request: AuthenticatedRequest, public_id: UUID, *kinds: str) -> RelationshipRequest:
    """A relationship request of the user's own partner (404 for any other), if the user has one of the roles."""
    partner = partner_of(request.user)
    if partner is None:
        raise Http404
    try:
        relationship_request = RelationshipRequest.objects.select_related("created_by").get(
            public_id=public_id, partner=partner
        )
    except RelationshipRequest.DoesNotExist:
        raise Http404 from None
    require_partner_role(request, *kinds)
    return relationship_request
