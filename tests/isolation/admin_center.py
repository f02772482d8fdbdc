"""The customer's admin center: users, roles, subscriptions and licenses, activity."""

from django.urls import reverse

from . import ALL_405, SIGNED_IN_ONLY_405, Route, row  # noqa: F401

# Placeholder pages answer 404 until they are built; each entry is replaced with the page's real expectations.
BUILDING = row("404 404 404 404 | 404 404 404 404 404 | 404 302")
# Pages every administrator role may see (Global, User and Helpdesk Administrators, Global Readers); pages for those
# who manage users (Global and User Administrators); pages for those who manage roles (Global Administrators only).
# Partner A's Tier 1 user is User Administrator of X through GDAP; X's Security Reader sees Home and the roles (and
# Activity), not the users.
VIEWERS = row("200 403 200 404 | 200 200 200 200 403 | 404 302", a_tier1=200)
VIEWERS_AND_SECURITY_READERS = row("200 403 200 404 | 200 200 200 200 403 | 404 302", a_tier1=200, x_secreader=200)
USER_MANAGERS = row("200 403 403 404 | 200 200 403 403 403 | 404 302", a_tier1=200)
ROLE_MANAGERS = row("200 403 403 404 | 200 403 403 403 403 | 404 302")


def _x(w):
    return w.customer_x.public_id


def _x_subscription(w):
    """A subscription of customer X that partner A provisioned (one per test's world)."""
    from customers.models import Subscription

    subscription, _created = Subscription.objects.get_or_create(
        tenant=w.customer_x, product="m365_business_basic", defaults={"seats": 5, "provisioned_by": w.partner_a}
    )
    return subscription.public_id


def _x_license_of_user(w):
    """That subscription, with a license assigned to X's plain user."""
    from customers.models import LicenseAssignment, Subscription

    subscription_id = _x_subscription(w)
    LicenseAssignment.objects.get_or_create(
        subscription=Subscription.objects.get(public_id=subscription_id), user=w.x_user
    )
    return subscription_id


ROUTES: dict[str, Route] = {
    # Home, users and roles. Every administrator role sees them: X's own Global, User and Helpdesk Administrators and
    # Global Reader; partner A's Admin agent, Global Administrator of X through delegated admin, and its Helpdesk agent,
    # Helpdesk Administrator; its Sales agent has no role there (403), nor has X's plain user; partner B and Y's Global
    # admin have no business with X (404).
    "admincenter:home": Route(
        lambda w: reverse("admincenter:home", args=[_x(w)]),
        get=VIEWERS_AND_SECURITY_READERS,
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    "admincenter:users": Route(
        lambda w: reverse("admincenter:users", args=[_x(w)]),
        get=VIEWERS,
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    # Adding, editing and deleting users: Global and User Administrators; an empty POST gets the form again with
    # its errors (400). Deleting needs no input: the POST deletes X's plain user.
    "admincenter:user_new": Route(
        lambda w: reverse("admincenter:user_new", args=[_x(w)]),
        get=USER_MANAGERS,
        post=row("400 403 403 404 | 400 400 403 403 403 | 404 302", a_tier1=400),
        delete=SIGNED_IN_ONLY_405,
    ),
    "admincenter:user_edit": Route(
        lambda w: reverse("admincenter:user_edit", args=[_x(w), w.x_user.public_id]),
        get=USER_MANAGERS,
        post=row("400 403 403 404 | 400 400 403 403 403 | 404 302", a_tier1=400),
        delete=SIGNED_IN_ONLY_405,
    ),
    # A Helpdesk Administrator (X's own, or partner A's Helpdesk agent through delegated admin) resets the passwords
    # of users who are not administrators, such as X's plain user; a Global Reader changes nothing.
    "admincenter:user_reset_password": Route(
        lambda w: reverse("admincenter:user_reset_password", args=[_x(w), w.x_user.public_id]),
        get=row("200 403 200 404 | 200 200 200 403 403 | 404 302", a_tier1=200),
        post=row("400 403 400 404 | 400 400 400 403 403 | 404 302", a_tier1=400),
        delete=SIGNED_IN_ONLY_405,
    ),
    "admincenter:user_delete": Route(
        lambda w: reverse("admincenter:user_delete", args=[_x(w), w.x_user.public_id]),
        get=USER_MANAGERS,
        post=row("302 403 403 404 | 302 302 403 403 403 | 404 302", a_tier1=302),
        delete=SIGNED_IN_ONLY_405,
    ),
    "admincenter:roles": Route(
        lambda w: reverse("admincenter:roles", args=[_x(w)]),
        get=VIEWERS_AND_SECURITY_READERS,
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    "admincenter:role_detail": Route(
        lambda w: reverse("admincenter:role_detail", args=[_x(w), "global_admin"]),
        get=VIEWERS_AND_SECURITY_READERS,
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    # Assigning and removing roles: Global Administrators only, not User Administrators. An empty POST names no user
    # (400); removing X's only Global Administrator is refused with the reason (409).
    "admincenter:role_assign": Route(
        lambda w: reverse("admincenter:role_assign", args=[_x(w), "global_admin"]),
        get=ROLE_MANAGERS,
        post=row("400 403 403 404 | 400 403 403 403 403 | 404 302"),
        delete=SIGNED_IN_ONLY_405,
    ),
    "admincenter:role_remove": Route(
        lambda w: reverse("admincenter:role_remove", args=[_x(w), "global_admin", w.x_ga.public_id]),
        get=ROLE_MANAGERS,
        post=row("409 403 403 404 | 409 403 403 403 403 | 404 302"),
        delete=SIGNED_IN_ONLY_405,
    ),
    # Subscriptions and licenses: seen by Global admins, User admins and Global readers, changed by Global and User
    # admins; partner A's Admin agent is Global Administrator of X through delegated admin, its Helpdesk agent only
    # Helpdesk Administrator (403), its Sales agent has no role there (403). An empty POST to assign: the form again,
    # with its error (400); unassigning a user who holds no license: back to the subscription with a message.
    "admincenter:subscriptions": Route(
        lambda w: reverse("admincenter:subscriptions", args=[_x(w)]),
        get=row("200 403 403 404 | 200 200 403 200 403 | 404 302", a_tier1=200),
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    "admincenter:subscription_detail": Route(
        lambda w: reverse("admincenter:subscription_detail", args=[_x(w), _x_subscription(w)]),
        get=row("200 403 403 404 | 200 200 403 200 403 | 404 302", a_tier1=200),
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    "admincenter:license_assign": Route(
        lambda w: reverse("admincenter:license_assign", args=[_x(w), _x_subscription(w)]),
        get=SIGNED_IN_ONLY_405,
        post=row("400 403 403 404 | 400 400 403 403 403 | 404 302", a_tier1=400),
        delete=SIGNED_IN_ONLY_405,
    ),
    # Unassign X's plain user's license: the question first (GET), then the license is taken back.
    "admincenter:license_unassign": Route(
        lambda w: reverse("admincenter:license_unassign", args=[_x(w), _x_license_of_user(w), w.x_user.public_id]),
        get=row("200 403 403 404 | 200 200 403 403 403 | 404 302", a_tier1=200),
        post=row("302 403 403 404 | 302 302 403 403 403 | 404 302", a_tier1=302),
        delete=SIGNED_IN_ONLY_405,
    ),
    # Activity: Global admins, Global readers and Security Readers (not User or Helpdesk Administrators).
    "admincenter:activity": Route(
        lambda w: reverse("admincenter:activity", args=[_x(w)]),
        get=row("200 403 403 404 | 200 403 403 200 403 | 404 302", x_secreader=200),
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
}
