"""State changes of the API itself: issuing bearer tokens (the secret's last use is recorded with it). Every change
of admin relationships goes through admin_relationships.services."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from partnercenter.models import ApiAccessToken, ApiClientSecret
from partnercenter.tokens import token_hash


@transaction.atomic
def access_token_save(*, secret: ApiClientSecret, token: str, expires_in: int) -> ApiAccessToken:
    """Keep a token just issued with `secret` (only its hash), and note the secret's use."""
    now = timezone.now()
    ApiClientSecret.objects.filter(pk=secret.pk).update(last_used_at=now)
    # Expired tokens of this app are of no use to anyone: cleared as new ones are issued, so the table stays small.
    ApiAccessToken.objects.filter(
        application_id=secret.application_id, expires_at__lt=now - timedelta(hours=1)
    ).delete()
    return ApiAccessToken.objects.create(
        application_id=secret.application_id,
        secret=secret,
        token_hash=token_hash(token),
        expires_at=now + timedelta(seconds=expires_in),
    )
