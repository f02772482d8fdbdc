"""The personalised link's token: 256 random bits; only its SHA-256 is stored."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.urls import reverse


def token_new() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    # Built from SITE_URL, never from the request's Host header, so a forged Host cannot redirect customers.
    return settings.SITE_URL + reverse("relationships:invitation", kwargs={"token": token})


def token_matches(relationship_request, token: str) -> bool:
    return bool(token) and hmac.compare_digest(token_hash(token), relationship_request.token_hash)
