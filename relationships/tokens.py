"""The relationship request's personalized link (its token: partnercenter.tokens)."""

from django.conf import settings
from django.urls import reverse

from partnercenter.tokens import token_hash, token_matches_hash, token_new

__all__ = ["invitation_link", "token_hash", "token_matches", "token_new"]


def invitation_link(token: str) -> str:
    # Built from SITE_URL, never from the request's Host header, so a forged Host cannot redirect customers.
    return settings.SITE_URL + reverse("relationships:invitation", kwargs={"token": token})


def token_matches(relationship_request, token: str) -> bool:
    return token_matches_hash(token, relationship_request.token_hash)
