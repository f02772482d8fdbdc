"""Two-step verification (allauth.mfa). Partner personas have a TOTP authenticator; customers' users do not.
Pages that change authenticators ask for the password again first (302 to reauthenticate)."""

from django.urls import reverse

from . import Route, row

REDIRECTS = row("302 302 302 302 | 302 302 302 302 302 | 302 302")

ROUTES: dict[str, Route] = {
    "mfa_index": Route(
        lambda w: reverse("mfa_index"),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 302"),
        post=row("405 405 405 405 | 405 405 405 405 405 | 405 302"),
        delete=row("405 405 405 405 | 405 405 405 405 405 | 405 302"),
    ),
    # Nobody is half-way through a sign-in here: back to the start.
    "mfa_authenticate": Route(lambda w: reverse("mfa_authenticate"), get=REDIRECTS, post=REDIRECTS, delete=REDIRECTS),
    "mfa_reauthenticate": Route(
        lambda w: reverse("mfa_reauthenticate"),
        get=row("200 200 200 200 | 302 302 302 302 302 | 302 302"),
        post=row("200 200 200 200 | 302 302 302 302 302 | 302 302"),
        delete=row("405 405 405 405 | 302 302 302 302 302 | 302 302"),
    ),
    "mfa_activate_totp": Route(lambda w: reverse("mfa_activate_totp"), get=REDIRECTS, post=REDIRECTS, delete=REDIRECTS),
    # Only users with an authenticator have one to remove.
    "mfa_deactivate_totp": Route(
        lambda w: reverse("mfa_deactivate_totp"),
        get=row("302 302 302 302 | 404 404 404 404 404 | 404 302"),
        post=row("302 302 302 302 | 404 404 404 404 404 | 404 302"),
        delete=row("302 302 302 302 | 404 404 404 404 404 | 404 302"),
    ),
    "mfa_generate_recovery_codes": Route(
        lambda w: reverse("mfa_generate_recovery_codes"), get=REDIRECTS, post=REDIRECTS, delete=REDIRECTS
    ),
    # Nobody has recovery codes yet.
    "mfa_view_recovery_codes": Route(
        lambda w: reverse("mfa_view_recovery_codes"),
        get=row("404 404 404 404 | 404 404 404 404 404 | 404 302"),
        post=row("405 405 405 405 | 405 405 405 405 405 | 405 302"),
        delete=row("405 405 405 405 | 405 405 405 405 405 | 405 302"),
    ),
    "mfa_download_recovery_codes": Route(
        lambda w: reverse("mfa_download_recovery_codes"),
        get=row("404 404 404 404 | 404 404 404 404 404 | 404 302"),
        post=row("404 404 404 404 | 404 404 404 404 404 | 404 302"),
        delete=row("404 404 404 404 | 404 404 404 404 404 | 404 302"),
    ),
}
