"""State changes of a partner's app registrations (Settings > Apps): register an app with permissions, change its
permissions, remove it, add a client secret (shown once, kept hashed) and revoke one. The partner's Admin agents do
these (partner_settings.rules.app_manager_for); every one is audited."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnercenter.audit import audit_record
from partnercenter.models import ApiApplication, ApiClientSecret, ApiPermission, AuditAction, Partner, User
from partnercenter.tokens import token_hash, token_new

# How long a new client secret may be valid, in days, as Microsoft Entra offers them (at most 24 months).
SECRET_LIFETIMES_DAYS = (90, 180, 365, 730)


@dataclass(frozen=True)
class NewSecret:
    """A secret just added and its value, shown once (only its hash is kept)."""

    secret: ApiClientSecret
    value: str


def _clean_permissions(permissions) -> list[str]:
    cleaned = sorted(set(permissions))
    if set(cleaned) - set(ApiPermission.values):
        raise ValidationError({"permissions": _("Choose permissions from the list.")})
    return cleaned


@transaction.atomic
def api_application_create(*, partner: Partner, created_by: User, display_name: str, permissions) -> ApiApplication:
    name = " ".join(display_name.split())
    if not name:
        raise ValidationError({"display_name": _("Enter a name.")})
    app = ApiApplication(
        partner=partner, display_name=name, permissions=_clean_permissions(permissions), created_by=created_by
    )
    app.full_clean()
    app.save()
    audit_record(
        actor=created_by,
        action=AuditAction.API_APP_CREATE,
        target_tenant=partner.tenant,
        obj=app,
        details={"name": name, "permissions": app.permissions},
        acting_for=partner,
    )
    return app


@transaction.atomic
def api_application_permissions_set(*, app: ApiApplication, permissions, changed_by: User) -> ApiApplication:
    cleaned = _clean_permissions(permissions)
    locked = ApiApplication.objects.select_for_update().select_related("partner__tenant").get(pk=app.pk)
    if locked.permissions == cleaned:
        return locked
    locked.permissions = cleaned
    locked.save(update_fields=["permissions"])
    audit_record(
        actor=changed_by,
        action=AuditAction.API_APP_UPDATE,
        target_tenant=locked.partner.tenant,
        obj=locked,
        details={"name": locked.display_name, "permissions": cleaned},
        acting_for=locked.partner,
    )
    return locked


@transaction.atomic
def api_application_remove(*, app: ApiApplication, removed_by: User) -> None:
    """Remove an app: its secrets and tokens stop working at once."""
    locked = ApiApplication.objects.select_for_update().select_related("partner__tenant").get(pk=app.pk)
    if locked.removed_at is not None:
        return
    now = timezone.now()
    locked.removed_at = now
    locked.save(update_fields=["removed_at"])
    locked.secrets.filter(revoked_at__isnull=True).update(revoked_at=now)
    audit_record(
        actor=removed_by,
        action=AuditAction.API_APP_REMOVE,
        target_tenant=locked.partner.tenant,
        obj=locked,
        details={"name": locked.display_name},
        acting_for=locked.partner,
    )


@transaction.atomic
def api_client_secret_create(
    *, app: ApiApplication, created_by: User, description: str = "", lifetime_days: int = 180
) -> NewSecret:
    """A new client secret: 256 random bits, valid for one of SECRET_LIFETIMES_DAYS; its value is returned once."""
    if lifetime_days not in SECRET_LIFETIMES_DAYS:
        raise ValidationError({"lifetime_days": _("Choose when the secret expires from the list.")})
    locked = ApiApplication.objects.select_for_update().select_related("partner__tenant").get(pk=app.pk)
    if locked.removed_at is not None:
        raise ValidationError(_("This app was removed."))
    value = token_new()
    secret = ApiClientSecret(
        application=locked,
        description=" ".join(description.split()),
        hint=value[:3],
        secret_hash=token_hash(value),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=lifetime_days),
    )
    secret.full_clean()
    secret.save()
    audit_record(
        actor=created_by,
        action=AuditAction.API_SECRET_CREATE,
        target_tenant=locked.partner.tenant,
        obj=locked,
        details={
            "name": locked.display_name,
            "secret": f"{secret.hint}…",
            "expires": secret.expires_at.date().isoformat(),
        },
        acting_for=locked.partner,
    )
    return NewSecret(secret, value)


@transaction.atomic
def api_client_secret_revoke(*, secret: ApiClientSecret, revoked_by: User) -> None:
    """Revoke a secret: it and the tokens issued with it stop working at once."""
    locked = (
        ApiClientSecret.objects.select_for_update().select_related("application__partner__tenant").get(pk=secret.pk)
    )
    if locked.revoked_at is not None:
        return
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    app = locked.application
    audit_record(
        actor=revoked_by,
        action=AuditAction.API_SECRET_REVOKE,
        target_tenant=app.partner.tenant,
        obj=app,
        details={"name": app.display_name, "secret": f"{locked.hint}…"},
        acting_for=app.partner,
    )
