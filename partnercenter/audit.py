"""Writing audit events. Every service that changes privileged state calls `audit_record` inside its transaction."""

from typing import Any

from django.db import models

from .models import AuditEvent, Tenant, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    target_tenant: Tenant | None = None,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    on_behalf: bool = False,
) -> AuditEvent:
    object_id = ""
    if obj is not None:
        object_id = str(getattr(obj, "public_id", None) or obj.pk)
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=actor.email if actor else "",
        actor_tenant_id=actor.tenant_id if actor else None,
        target_tenant=target_tenant,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=object_id,
        details=details or {},
        on_behalf=on_behalf,
    )
