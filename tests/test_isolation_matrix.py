"""The isolation matrix: every URL of the project × every persona × method, with the expected status.

A URL without an entry here fails the suite (test_every_url_is_in_the_matrix). Every 200 answer is also checked for
data of tenants the persona has no business with.

Columns, in order: partner A's admin, sales and helpdesk agents; partner B's admin agent; customer X's Global admin
and plain user; customer Y's Global admin; anonymous. Partner A resells to X with delegated admin, partner B resells
to Y; partner A has a pending request (not yet sent to anyone).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import PERSONAS, World

COLUMNS = ["a_admin", "a_sales", "a_helpdesk", "b_admin", "x_ga", "x_user", "y_ga", "anon"]
assert COLUMNS == PERSONAS


def row(statuses: str) -> dict[str, int]:
    values = [int(s) for s in statuses.split()]
    assert len(values) == len(COLUMNS), statuses
    return dict(zip(COLUMNS, values, strict=True))


# Login-required pages answer anonymous visitors with a redirect to sign in, whatever the method.
SIGNED_IN_ONLY_405 = row("405 405 405 405 405 405 405 302")
ALL_405 = row("405 405 405 405 405 405 405 405")
NOT_OFFERED = row("404 404 404 404 404 404 404 404")


@dataclass
class Route:
    url: Callable[[World], str]
    get: dict[str, int]
    post: dict[str, int]
    delete: dict[str, int] = field(default_factory=lambda: SIGNED_IN_ONLY_405)


def token(w: World) -> str:
    return w.pending.token


def request_id(w: World) -> str:
    return str(w.pending.request.public_id)


ROUTES: dict[str, Route] = {
    # The shell.
    "home": Route(lambda w: reverse("home"), get=row("302 302 302 302 200 200 200 302"), post=SIGNED_IN_ONLY_405),
    "set_language": Route(
        lambda w: reverse("set_language"),
        get=ALL_405,
        post=row("302 302 302 302 302 302 302 302"),
        delete=ALL_405,
    ),
    # The local mailbox exists only while it is the mailer (never in these tests): 404 for everyone.
    "mailbox": Route(
        lambda w: reverse("mailbox"), get=row("404 404 404 404 404 404 404 404"), post=ALL_405, delete=ALL_405
    ),
    "mailbox_message": Route(
        lambda w: reverse("mailbox_message", args=[1]),
        get=row("404 404 404 404 404 404 404 404"),
        post=ALL_405,
        delete=ALL_405,
    ),
    "mailbox_message_html": Route(
        lambda w: reverse("mailbox_message_html", args=[1]),
        get=row("404 404 404 404 404 404 404 404"),
        post=ALL_405,
        delete=ALL_405,
    ),
    # Partner side: every partner agent sees its own customers; customers' users are not let into the partner area.
    "customers:list": Route(
        lambda w: reverse("customers:list"), get=row("200 200 200 200 403 403 403 302"), post=SIGNED_IN_ONLY_405
    ),
    "customers:export": Route(
        lambda w: reverse("customers:export"), get=row("200 200 200 200 403 403 403 302"), post=SIGNED_IN_ONLY_405
    ),
    # Requests: Admin agents and Sales agents only; another partner's request does not exist for you (404).
    "relationships:request_list": Route(
        lambda w: reverse("relationships:request_list"),
        get=row("200 200 403 200 403 403 403 302"),
        post=SIGNED_IN_ONLY_405,
    ),
    "relationships:request_new": Route(
        lambda w: reverse("relationships:request_new"),
        get=row("200 200 403 200 403 403 403 302"),
        post=row("200 200 403 200 403 403 403 302"),
    ),
    # An empty POST carries no valid link: back to the list with an error.
    "relationships:request_send": Route(
        lambda w: reverse("relationships:request_send", args=[request_id(w)]),
        get=SIGNED_IN_ONLY_405,
        post=row("302 302 403 404 404 404 404 302"),
    ),
    "relationships:request_reissue": Route(
        lambda w: reverse("relationships:request_reissue", args=[request_id(w)]),
        get=SIGNED_IN_ONLY_405,
        post=row("200 200 403 404 404 404 404 302"),
    ),
    "relationships:request_revoke": Route(
        lambda w: reverse("relationships:request_revoke", args=[request_id(w)]),
        get=SIGNED_IN_ONLY_405,
        post=row("302 302 403 404 404 404 404 302"),
    ),
    # The page behind the link: open to anyone holding it; only a customer's Global admin may decide. Partner A's own
    # users and anyone who is not a Global admin get the "permission required" page (403).
    "relationships:invitation": Route(
        lambda w: reverse("relationships:invitation", args=[token(w)]),
        get=row("403 403 403 403 200 403 200 200"),
        post=ALL_405,
        delete=ALL_405,
    ),
    # An empty POST: without the agreement box the Global admins get the form back (400).
    "relationships:invitation_accept": Route(
        lambda w: reverse("relationships:invitation_accept", args=[token(w)]),
        get=ALL_405,
        post=row("403 403 403 403 400 403 400 302"),
        delete=ALL_405,
    ),
    "relationships:invitation_decline": Route(
        lambda w: reverse("relationships:invitation_decline", args=[token(w)]),
        get=ALL_405,
        post=row("403 403 403 403 302 403 302 302"),
        delete=ALL_405,
    ),
    "relationships:invitation_signup": Route(
        lambda w: reverse("relationships:invitation_signup", args=[token(w)]),
        get=row("302 302 302 302 302 302 302 200"),
        post=row("302 302 302 302 302 302 302 400"),
        delete=ALL_405,
    ),
    # Accounts (allauth). Signed-in users are sent away from the sign-in page; allauth's own class-based views
    # redirect signed-in users before looking at the method.
    "account_login": Route(
        lambda w: reverse("account_login"),
        get=row("302 302 302 302 302 302 302 200"),
        post=row("302 302 302 302 302 302 302 200"),
        delete=row("302 302 302 302 302 302 302 405"),
    ),
    "account_logout": Route(
        lambda w: reverse("account_logout"),
        get=row("200 200 200 200 200 200 200 302"),
        post=row("302 302 302 302 302 302 302 302"),
        delete=ALL_405,
    ),
    "account_inactive": Route(
        lambda w: reverse("account_inactive"), get=row("200 200 200 200 200 200 200 200"), post=ALL_405, delete=ALL_405
    ),
    "account_reauthenticate": Route(
        lambda w: reverse("account_reauthenticate"),
        get=row("200 200 200 200 200 200 200 302"),
        post=row("200 200 200 200 200 200 200 302"),
    ),
    "account_change_password": Route(
        lambda w: reverse("account_change_password"),
        get=row("200 200 200 200 200 200 200 302"),
        post=row("200 200 200 200 200 200 200 302"),
    ),
    # Every persona has a password, so "set a password" sends them to "change password".
    "account_set_password": Route(
        lambda w: reverse("account_set_password"),
        get=row("302 302 302 302 302 302 302 302"),
        post=row("302 302 302 302 302 302 302 302"),
        delete=row("302 302 302 302 302 302 302 302"),
    ),
    "account_reset_password": Route(
        lambda w: reverse("account_reset_password"),
        get=row("200 200 200 200 200 200 200 200"),
        post=row("200 200 200 200 200 200 200 200"),
        delete=ALL_405,
    ),
    "account_reset_password_done": Route(
        lambda w: reverse("account_reset_password_done"),
        get=row("200 200 200 200 200 200 200 200"),
        post=ALL_405,
        delete=ALL_405,
    ),
    # A made-up key: the page says the link is invalid, whoever asks.
    "account_reset_password_from_key": Route(
        lambda w: reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}),
        get=row("200 200 200 200 200 200 200 200"),
        post=row("200 200 200 200 200 200 200 200"),
        delete=row("200 200 200 200 200 200 200 200"),
    ),
    "account_reset_password_from_key_done": Route(
        lambda w: reverse("account_reset_password_from_key_done"),
        get=row("200 200 200 200 200 200 200 200"),
        post=ALL_405,
        delete=ALL_405,
    ),
    # allauth pages this product does not offer: 404 for everyone, whatever the method.
    **{
        name: Route(
            lambda w, name=name, args=args: reverse(name, args=args),
            get=NOT_OFFERED,
            post=NOT_OFFERED,
            delete=NOT_OFFERED,
        )
        for name, args in [
            ("account_signup", []),
            ("account_email", []),
            ("account_email_verification_sent", []),
            ("account_confirm_email", ["some-key"]),
            ("account_confirm_login_code", []),
        ]
    },
}


def _named_routes(patterns, namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = pattern.namespace if not namespace else f"{namespace}:{pattern.namespace}"
            yield from _named_routes(pattern.url_patterns, inner if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL {pattern.pattern} has no name, so the matrix cannot cover it"
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_in_the_matrix():
    names = set(_named_routes(get_resolver().url_patterns))
    missing = sorted(names - ROUTES.keys())
    assert not missing, f"URLs without an isolation matrix entry: {missing}"
    stale = sorted(ROUTES.keys() - names)
    assert not stale, f"Matrix entries for URLs that no longer exist: {stale}"


def _foreign_markers(world: World, persona: str) -> list[str]:
    """Names and Microsoft IDs of customers the persona has no business with."""
    x, y = world.customer_x, world.customer_y
    foreign = {
        "a_admin": [y],
        "a_sales": [y],
        "a_helpdesk": [y],
        "b_admin": [x],
        "x_ga": [y],
        "x_user": [y],
        "y_ga": [x],
        "anon": [x, y],
    }[persona]
    return [m for t in foreign for m in (t.name, t.primary_domain, str(t.public_id))]


CASES = [(name, method, persona) for name in ROUTES for method in ("get", "post", "delete") for persona in PERSONAS]


@pytest.mark.parametrize(("name", "method", "persona"), CASES, ids=[f"{n}-{m}-{p}" for n, m, p in CASES])
def test_isolation(world, client_for, name, method, persona):
    route = ROUTES[name]
    client = client_for(persona)
    response = getattr(client, method)(route.url(world))
    expected = getattr(route, method)[persona]
    assert response.status_code == expected, f"{method.upper()} {name} as {persona}"
    if response.status_code == 200 and not getattr(response, "streaming", False):
        body = response.content.decode()
        for marker in _foreign_markers(world, persona):
            assert marker not in body, f"{name} shows {marker!r} to {persona}"
    if response.status_code == 200 and getattr(response, "streaming", False):
        body = b"".join(response.streaming_content).decode()
        for marker in _foreign_markers(world, persona):
            assert marker not in body, f"{name} exports {marker!r} to {persona}"


def _admin_changelists() -> list[str]:
    return [f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist" for m in admin.site._registry]


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_for_site_staff_only(world, client_for, persona):
    client = client_for(persona)
    for name in [*_admin_changelists(), "admin:index"]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        # Signed-in users without staff rights meet the admin's sign-in; anonymous visitors the site's (the admin
        # index, which the admin site itself leaves open, the admin's).
        login = reverse("account_login") if persona == "anon" and name != "admin:index" else reverse("admin:login")
        assert response["Location"].startswith(login), name
