"""State changes of the directory core: tenants, partners, users."""

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from .audit import audit_record
from .models import DirectoryRoleAssignment, Partner, SecurityGroup, Tenant, User

BUILTIN_PARTNER_GROUPS = (
    SecurityGroup.Kind.ADMIN_AGENTS,
    SecurityGroup.Kind.HELPDESK_AGENTS,
    SecurityGroup.Kind.SALES_AGENTS,
)


def tenant_create(*, name: str, primary_domain: str) -> Tenant:
    tenant = Tenant(name=name.strip(), primary_domain=primary_domain.strip().lower())
    tenant.full_clean()
    tenant.save()
    return tenant


@transaction.atomic
def partner_create(*, name: str, primary_domain: str, partner_id: str, created_by: User | None = None) -> Partner:
    """A partner tenant with its built-in Admin Agents, Helpdesk Agents and Sales Agents groups. `created_by` is the
    site staff member who added it (None: the system, e.g. the demo data)."""
    tenant = tenant_create(name=name, primary_domain=primary_domain)
    partner = Partner(tenant=tenant, partner_id=partner_id)
    partner.full_clean()
    partner.save()
    SecurityGroup.objects.bulk_create(
        SecurityGroup(tenant=tenant, kind=kind, name=SecurityGroup.Kind(kind).label) for kind in BUILTIN_PARTNER_GROUPS
    )
    audit_record(
        actor=created_by,
        action="partner.create",
        target_tenant=tenant,
        obj=partner,
        details={"name": tenant.name, "partner_id": partner.partner_id, "domain": tenant.primary_domain},
    )
    return partner


@transaction.atomic
def user_create(
    *,
    tenant: Tenant,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    roles: Iterable[str] = (),
    group_kinds: Iterable[str] = (),
    preferred_language: str = "",
) -> User:
    """A user of `tenant`, with directory roles in it and, for partner tenants, membership of built-in groups."""
    user = User(
        tenant=tenant,
        email=User.objects.normalize_email(email).lower(),
        first_name=first_name,
        last_name=last_name,
        preferred_language=preferred_language,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    DirectoryRoleAssignment.objects.bulk_create(DirectoryRoleAssignment(user=user, role=r) for r in roles)
    kinds = list(group_kinds)
    if kinds:
        for group in SecurityGroup.objects.filter(tenant=tenant, kind__in=kinds):
            group.members.add(user)
    return user


@transaction.atomic
def customer_organisation_create(
    *, name: str, primary_domain: str, first_name: str, last_name: str, email: str, password: str, language: str = ""
) -> User:
    """A new customer tenant and its first Global admin, who signs up from an invitation link."""
    from .models import DirectoryRole

    tenant = tenant_create(name=name, primary_domain=primary_domain)
    probe = User(email=email, first_name=first_name, last_name=last_name)
    validate_password(password, user=probe)
    user = user_create(
        tenant=tenant,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        roles=[DirectoryRole.GLOBAL_ADMINISTRATOR],
        preferred_language=language,
    )
    audit_record(actor=user, action="tenant.create", target_tenant=tenant, obj=tenant, details={"name": tenant.name})
    return user
