"""Settings > Partner relationships, the customer's own Global admins only."""

from django.urls import reverse

from admin_relationships.services import (
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
)
from partnercenter.models import DirectoryRole

from . import ALL_405, SIGNED_IN_ONLY_405, Route, row  # noqa: F401

# Partner A's agents may act for customer X but never see its Partner relationships (403, even the Admin agent,
# Global Administrator there through delegated admin); partner B and customer Y have no business with X (404); X's
# plain user is not a Global admin (403).
OWN_GLOBAL_ADMINS = row("403 403 403 404 | 200 403 403 403 403 | 404 302")
# Remove: X's Global admin removes and is sent back to the details pane.
REMOVE = row("403 403 403 404 | 302 403 403 403 403 | 404 302")


def _x(w):
    return w.customer_x.public_id


def _active_gdap(w):
    relationship = admin_relationship_create(
        partner=w.partner_a,
        customer=w.customer_x,
        created_by=w.a_admin,
        display_name="Helpdesk",
        roles=[DirectoryRole.HELPDESK_ADMINISTRATOR],
    )
    relationship = admin_relationship_finalize(relationship=relationship, finalized_by=w.a_admin).relationship
    return admin_relationship_approve(relationship=relationship, approved_by=w.x_ga)


ROUTES: dict[str, Route] = {
    "admincenter:partner_relationships": Route(
        lambda w: reverse("admincenter:partner_relationships", args=[_x(w)]),
        get=OWN_GLOBAL_ADMINS,
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    "admincenter:partner_relationship_detail": Route(
        lambda w: reverse("admincenter:partner_relationship_detail", args=[_x(w), w.partner_a.tenant.public_id]),
        get=OWN_GLOBAL_ADMINS,
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    "admincenter:delegated_admin_remove": Route(
        lambda w: reverse("admincenter:delegated_admin_remove", args=[_x(w), w.partner_a.tenant.public_id]),
        get=OWN_GLOBAL_ADMINS,
        post=REMOVE,
        delete=SIGNED_IN_ONLY_405,
    ),
    # GDAP's Remove roles (partner A's active admin relationship with X): the confirmation, then terminated and back
    # to the partner's pane.
    "admincenter:admin_relationship_remove_roles": Route(
        lambda w: reverse("admincenter:admin_relationship_remove_roles", args=[_x(w), _active_gdap(w).public_id]),
        get=OWN_GLOBAL_ADMINS,
        post=REMOVE,
        delete=SIGNED_IN_ONLY_405,
    ),
}
