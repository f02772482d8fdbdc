"""Personalized links' tokens: 256 random bits; only their SHA-256 is stored, and a token is compared with it in
constant time."""

import hashlib
import hmac
import secrets


def token_new() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches_hash(token: str, stored_hash: str | None) -> bool:
    return bool(token) and bool(stored_hash) and hmac.compare_digest(token_hash(token), stored_hash or "")
