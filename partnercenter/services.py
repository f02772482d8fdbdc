"""State changes of the directory core: tenants, partners, users."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .languages import supported_language
from .models import (
    AuditAction,
    DirectoryRole,
    DirectoryRoleAssignment,
    Partner,
    ResellerRelationship,
    SecurityGroup,
    Tenant,
    User,
)
from .selectors import forget_customer_count
from .timezones import valid_zone

BUILTIN_PARTNER_GROUPS = (
    SecurityGroup.Kind.ADMIN_AGENTS,
    SecurityGroup.Kind.HELPDESK_AGENTS,
    SecurityGroup.Kind.SALES_AGENTS,
)


def email_domain(email: str) -> str:
    """The domain of an address, lower case: what follows the last @."""
    return email.strip().rpartition("@")[2].lower()


def email_domain_check(*, tenant: Tenant, email: str) -> None:
    """A user's address must be at its own tenant's domain, so that no tenant can create (and so take away, or pose
    as) an address at another tenant's domain. The tenant's domain is its primary domain, exactly, compared without
    case: not its subdomains, which it has not shown it owns and may have handed to someone else (the directory has no
    other domains of a tenant). Called before anything looks the address up: an address outside the domain is refused
    the same whether or not it exists elsewhere, so that a form never tells what other tenants' users there are."""
    if email_domain(email) != tenant.primary_domain.lower():
        raise ValidationError(
            {
                "email": ValidationError(
                    _("Use an address at %(domain)s, the organization's domain.") % {"domain": tenant.primary_domain},
                    code="foreign_domain",
                )
            }
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
    partner = Partner(tenant=tenant, partner_id=partner_id, tenant_name=tenant.name)
    partner.full_clean()
    partner.save()
    SecurityGroup.objects.bulk_create(
        SecurityGroup(tenant=tenant, kind=kind, name=str(SecurityGroup.Kind(kind).label))
        for kind in BUILTIN_PARTNER_GROUPS
    )
    audit_record(
        actor=created_by,
        action=AuditAction.PARTNER_CREATE,
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
    """A user of `tenant`, with directory roles in it and, for partner tenants, membership of built-in groups. Its
    address must be at the tenant's domain (email_domain_check)."""
    email = User.objects.normalize_email(email.strip()).lower()
    email_domain_check(tenant=tenant, email=email)
    user = User(
        tenant=tenant,
        email=email,
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
    """A new customer tenant and its first Global admin, who signs up from an invitation link.

    The admin's address must be at the domain it names. A domain already in use is refused on the domain, whether a
    tenant has it or some account's address is at it (site staff, or users created before addresses had to be at
    their tenant's domain): one answer, about the domain, never about an address, and the new tenant's domain then has
    no address that is not its own. Both are decided before the password is looked at or anything is written."""
    domain = primary_domain.strip().lower()
    email = User.objects.normalize_email(email.strip()).lower()
    if email_domain(email) != domain:
        raise ValidationError(
            {
                "email": ValidationError(
                    _("Use an address at %(domain)s, the domain name you entered.") % {"domain": domain},
                    code="foreign_domain",
                )
            }
        )
    taken = ValidationError(
        {"primary_domain": ValidationError(_("This domain name is already in use."), code="domain_taken")}
    )
    if (
        Tenant.objects.filter(primary_domain__iexact=domain).exists()
        or User.objects.filter(email__iendswith=f"@{domain}").exists()
    ):
        raise taken
    probe = User(email=email, first_name=first_name, last_name=last_name)
    validate_password(password, user=probe)
    try:
        with transaction.atomic():
            tenant = tenant_create(name=name, primary_domain=domain)
    except IntegrityError:  # the same domain, signed up a moment ago
        raise taken from None
    user = user_create(
        tenant=tenant,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        roles=[DirectoryRole.GLOBAL_ADMINISTRATOR],
        preferred_language=language,
    )
    audit_record(
        actor=user, action=AuditAction.TENANT_CREATE, target_tenant=tenant, obj=tenant, details={"name": tenant.name}
    )
    return user


def user_time_zone_set(*, user: User, time_zone: str) -> User:
    """The zone the user's times are shown in: an IANA name, or empty for the browser's (partnercenter/timezones.py).
    A preference of the user's own, not a privileged change: no audit event."""
    if time_zone and valid_zone(time_zone) is None:
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    return user


@transaction.atomic
def customer_through_granular_admin(*, partner: Partner, customer: Tenant, approved_at: datetime) -> None:
    """The customer approved an admin relationship of the partner (GDAP): from now on it is the partner's customer
    (ResellerRelationship.IS_CUSTOMER), with or without a reseller relationship. Called by the approval, in its
    transaction; the approval writes the audit event. Idempotent, and safe when two approvals race: the first
    approval's date stays."""
    relationship, created = ResellerRelationship.objects.get_or_create(
        partner=partner, customer=customer, defaults={"is_active": False, "granular_admin_since": approved_at}
    )
    if not created:
        ResellerRelationship.objects.filter(pk=relationship.pk, granular_admin_since__isnull=True).update(
            granular_admin_since=approved_at
        )
        forget_customer_count(partner.pk)  # an update sends no post_save


def user_language_set(*, user: User, language: str) -> bool:
    """Remember the language `user` reads, for what the portal sends them (emails); True if it changed. A
    preference of the user's own, not a privilege: no audit event. A language the portal does not speak is ignored."""
    language = supported_language(language)
    if not language or user.preferred_language == language:
        return False
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    user.preferred_language = language
    return True
