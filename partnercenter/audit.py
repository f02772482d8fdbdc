"""Writing audit events. Every service that changes privileged state calls `audit_record` inside its transaction."""

from typing import Any

from django.db import models

from .models import ApiApplication, AuditAction, AuditEvent, Partner, Tenant, User


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    target_tenant: Tenant | None = None,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    acting_for: Partner | None = None,
    app: ApiApplication | None = None,
    system_for: Partner | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` in `target_tenant` (to `obj`, with `details`). `action` is an AuditAction
    (a code that is not one is refused, ValueError), so every event has its words on the activity pages.

    `acting_for` is the partner whose agent acts (None when no partner acts). A partner's agent acting in a tenant
    that is not its own partner's tenant is acting on that customer's behalf, whichever page it acts from (the
    partner's own pages or the customer's admin center): the event is then marked `on_behalf`, and its details name
    the partner, "partner" (its name) and "partner_id" (its partner ID), which the activity pages read. In the
    partner's own tenant, or with no target tenant, nothing is added. This is the one place that decides it: callers
    pass the partner, never the flag or the partner's details.

    `app` is the partner's app that did it through the API (with no user as `actor`): the event is its partner's, as
    if one of its users had acted, and names the app ("app", "app_id"), which the activity pages show as the actor.

    `system_for` is for what the system does, with no actor, to a partner's own business (the end of its admin
    relationships): the event is kept in that partner's log (its tenant is the actor's tenant, so the partner's
    activity log shows it, and a customer reads "System (partner)"), names the partner as above, and is not done on
    the customer's behalf."""
    action = AuditAction(action)
    if system_for is not None and (actor is not None or acting_for is not None):
        raise ValueError("system_for is for events without an actor or a partner acting")
    details = dict(details or {})
    actor_tenant_id = actor.tenant_id if actor else None
    if app is not None:
        details["app"] = app.display_name
        details["app_id"] = str(app.public_id)
        actor_tenant_id = actor_tenant_id or app.partner.tenant_id
    if system_for is not None:
        actor_tenant_id = system_for.tenant_id
    on_behalf = False
    partner = acting_for or system_for
    if partner is not None and target_tenant is not None and target_tenant.pk != partner.tenant_id:
        on_behalf = acting_for is not None
        details["partner"] = partner.name
        details["partner_id"] = partner.partner_id
    object_id = ""
    if obj is not None:
        object_id = str(getattr(obj, "public_id", None) or obj.pk)
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=actor.email if actor else "",
        actor_tenant_id=actor_tenant_id,
        target_tenant=target_tenant,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=object_id,
        details=details,
        on_behalf=on_behalf,
    )
