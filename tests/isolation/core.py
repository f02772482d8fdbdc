"""The shell, accounts, the Customers page and relationship requests."""

from django.urls import reverse

from . import ALL_405, NOT_OFFERED, SIGNED_IN_ONLY_405, Route, request_id, row, token

ROUTES: dict[str, Route] = {
    # The shell.
    "home": Route(
        lambda w: reverse("home"), get=row("302 302 302 302 | 200 200 200 200 200 | 200 302"), post=SIGNED_IN_ONLY_405
    ),
    "set_language": Route(
        lambda w: reverse("set_language"),
        get=ALL_405,
        post=row("302 302 302 302 | 302 302 302 302 302 | 302 302"),
        delete=ALL_405,
    ),
    # Time zone: every signed-in user's own preference (posting nothing chooses Automatic).
    "time_zone": Route(
        lambda w: reverse("time_zone"),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 302"),
        post=row("302 302 302 302 | 302 302 302 302 302 | 302 302"),
        delete=SIGNED_IN_ONLY_405,
    ),
    # Liveness and readiness: open to anyone (a load balancer has no account), GET only.
    "health_live": Route(
        lambda w: reverse("health_live"),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 200"),
        post=ALL_405,
        delete=ALL_405,
    ),
    "health_ready": Route(
        lambda w: reverse("health_ready"),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 200"),
        post=ALL_405,
        delete=ALL_405,
    ),
    # The local mailbox exists only while it is the mailer (never in these tests): 404 for everyone.
    "mailbox": Route(
        lambda w: reverse("mailbox"),
        get=row("404 404 404 404 | 404 404 404 404 404 | 404 404"),
        post=ALL_405,
        delete=ALL_405,
    ),
    "mailbox_message": Route(
        lambda w: reverse("mailbox_message", args=[1]),
        get=row("404 404 404 404 | 404 404 404 404 404 | 404 404"),
        post=ALL_405,
        delete=ALL_405,
    ),
    "mailbox_message_html": Route(
        lambda w: reverse("mailbox_message_html", args=[1]),
        get=row("404 404 404 404 | 404 404 404 404 404 | 404 404"),
        post=ALL_405,
        delete=ALL_405,
    ),
    # Partner side: every partner agent sees its own customers; customers' users are not let into the partner area.
    "customers:list": Route(
        lambda w: reverse("customers:list"),
        get=row("200 200 200 200 | 403 403 403 403 403 | 403 302"),
        post=SIGNED_IN_ONLY_405,
    ),
    # A Customers row's details, fetched when the row is expanded: like the customer's page, any agent of the
    # customer's partner; 404 for everyone else, partner B's Admin agent included.
    "customers:details": Route(
        lambda w: reverse("customers:details", args=[w.customer_x.public_id]),
        get=row("200 200 200 404 | 404 404 404 404 404 | 404 302"),
        post=SIGNED_IN_ONLY_405,
    ),
    "customers:export": Route(
        lambda w: reverse("customers:export"),
        get=row("200 200 200 200 | 403 403 403 403 403 | 403 302"),
        post=SIGNED_IN_ONLY_405,
    ),
    # Requests: Admin agents and Sales agents only; another partner's request does not exist for you (404).
    "relationships:request_list": Route(
        lambda w: reverse("relationships:request_list"),
        get=row("200 200 403 200 | 403 403 403 403 403 | 403 302", a_tier1=403),
        post=SIGNED_IN_ONLY_405,
    ),
    "relationships:request_new": Route(
        lambda w: reverse("relationships:request_new"),
        get=row("200 200 403 200 | 403 403 403 403 403 | 403 302", a_tier1=403),
        post=row("200 200 403 200 | 403 403 403 403 403 | 403 302", a_tier1=403),
    ),
    # An empty POST carries no valid link: back to the list with an error.
    "relationships:request_send": Route(
        lambda w: reverse("relationships:request_send", args=[request_id(w)]),
        get=SIGNED_IN_ONLY_405,
        post=row("302 302 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403),
    ),
    # Done on the draft page, and what the page's script posts when Open in email or Copy lets the link out. An empty
    # POST carries no valid link: Done goes back to the list with an error; the script's URL answers 400.
    "relationships:request_done": Route(
        lambda w: reverse("relationships:request_done", args=[request_id(w)]),
        get=SIGNED_IN_ONLY_405,
        post=row("302 302 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403),
    ),
    "relationships:request_shared": Route(
        lambda w: reverse("relationships:request_shared", args=[request_id(w)]),
        get=SIGNED_IN_ONLY_405,
        post=row("400 400 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403),
    ),
    # Resend (or Open draft), Revoke and Discard: GET is the confirmation page, POST does it. The world's request is
    # pending: Discard, for drafts only, goes back to the list with an error.
    "relationships:request_reissue": Route(
        lambda w: reverse("relationships:request_reissue", args=[request_id(w)]),
        get=row("200 200 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403),
        post=row("200 200 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403),
    ),
    "relationships:request_revoke": Route(
        lambda w: reverse("relationships:request_revoke", args=[request_id(w)]),
        get=row("200 200 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403),
        post=row("302 302 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403),
    ),
    "relationships:request_discard": Route(
        lambda w: reverse("relationships:request_discard", args=[request_id(w)]),
        get=row("302 302 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403),
        post=row("302 302 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403),
    ),
    # The page behind the link: open to anyone holding it; only a customer's Global admin may decide. Partner A's own
    # users and anyone who is not a Global admin get the "permission required" page (403).
    "relationships:invitation": Route(
        lambda w: reverse("relationships:invitation", args=[token(w)]),
        get=row("403 403 403 403 | 200 403 403 403 403 | 200 200"),
        post=ALL_405,
        delete=ALL_405,
    ),
    # An empty POST: without the agreement box the Global admins get the form back (400).
    "relationships:invitation_accept": Route(
        lambda w: reverse("relationships:invitation_accept", args=[token(w)]),
        get=ALL_405,
        post=row("403 403 403 403 | 400 403 403 403 403 | 400 302"),
        delete=ALL_405,
    ),
    "relationships:invitation_decline": Route(
        lambda w: reverse("relationships:invitation_decline", args=[token(w)]),
        # GET: the confirmation, for the Global admins who may decide.
        get=row("403 403 403 403 | 200 403 403 403 403 | 200 302"),
        post=row("403 403 403 403 | 302 403 403 403 403 | 302 302"),
        delete=ALL_405,
    ),
    "relationships:invitation_signup": Route(
        lambda w: reverse("relationships:invitation_signup", args=[token(w)]),
        get=row("302 302 302 302 | 302 302 302 302 302 | 302 200"),
        post=row("302 302 302 302 | 302 302 302 302 302 | 302 400"),
        delete=ALL_405,
    ),
    # Accounts (allauth). Signed-in users are sent away from the sign-in page; allauth's own class-based views
    # redirect signed-in users before looking at the method.
    "account_login": Route(
        lambda w: reverse("account_login"),
        get=row("302 302 302 302 | 302 302 302 302 302 | 302 200"),
        post=row("302 302 302 302 | 302 302 302 302 302 | 302 200"),
        delete=row("302 302 302 302 | 302 302 302 302 302 | 302 405"),
    ),
    "account_logout": Route(
        lambda w: reverse("account_logout"),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 302"),
        post=row("302 302 302 302 | 302 302 302 302 302 | 302 302"),
        delete=ALL_405,
    ),
    "account_inactive": Route(
        lambda w: reverse("account_inactive"),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 200"),
        post=ALL_405,
        delete=ALL_405,
    ),
    "account_reauthenticate": Route(
        lambda w: reverse("account_reauthenticate"),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 302"),
        post=row("200 200 200 200 | 200 200 200 200 200 | 200 302"),
    ),
    "account_change_password": Route(
        lambda w: reverse("account_change_password"),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 302"),
        post=row("200 200 200 200 | 200 200 200 200 200 | 200 302"),
    ),
    # Every persona has a password, so "set a password" sends them to "change password".
    "account_set_password": Route(
        lambda w: reverse("account_set_password"),
        get=row("302 302 302 302 | 302 302 302 302 302 | 302 302"),
        post=row("302 302 302 302 | 302 302 302 302 302 | 302 302"),
        delete=row("302 302 302 302 | 302 302 302 302 302 | 302 302"),
    ),
    "account_reset_password": Route(
        lambda w: reverse("account_reset_password"),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 200"),
        post=row("200 200 200 200 | 200 200 200 200 200 | 200 200"),
        delete=ALL_405,
    ),
    "account_reset_password_done": Route(
        lambda w: reverse("account_reset_password_done"),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 200"),
        post=ALL_405,
        delete=ALL_405,
    ),
    # A made-up key: the page says the link is invalid, whoever asks.
    "account_reset_password_from_key": Route(
        lambda w: reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 200"),
        post=row("200 200 200 200 | 200 200 200 200 200 | 200 200"),
        delete=row("200 200 200 200 | 200 200 200 200 200 | 200 200"),
    ),
    "account_reset_password_from_key_done": Route(
        lambda w: reverse("account_reset_password_from_key_done"),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 200"),
        post=ALL_405,
        delete=ALL_405,
    ),
    # allauth's email page: the portal has none; a signed-in user (sent there from /accounts/) goes to Security.
    "account_email": Route(
        lambda w: reverse("account_email"),
        get=row("302 302 302 302 | 302 302 302 302 302 | 302 302"),
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
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
            ("account_email_verification_sent", []),
            ("account_confirm_email", ["some-key"]),
            ("account_confirm_login_code", []),
        ]
    },
}
