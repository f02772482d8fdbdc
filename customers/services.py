"""State changes of the customers' tenants: their directory, as their admin center changes it (users and their directory
roles), and their Microsoft 365 subscriptions and licenses."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from partnercenter.access import CAN_MANAGE_ROLES, CAN_MANAGE_USERS, AdminCenter
from partnercenter.audit import audit_record
from partnercenter.models import AuditAction, DirectoryRole, DirectoryRoleAssignment, Partner, Tenant, User
from partnercenter.services import email_domain_check

from .models import LicenseAssignment, Subscription
from .rules import require_can_delete_user, require_can_manage_user, require_can_reset_password_of

# --- The directory ----------------------------------------------------------------------------------------------------
# State changes of a tenant's directory made in its admin center: users and their directory roles.
# Every function takes the AdminCenter the change is made in (the tenant, the actor's effective roles there, and the
# partner the actor acts for, if any) and writes one audit event: when a partner's agent acts on the customer's behalf,
# the event says so and names the partner.
# The rules that depend on the target user are checked here again, on locked rows: the views check them first, so that
# pages offer only what the user may do, but a role assigned in between must not slip through. The tenant row is the
# lock that serialises changes to one directory, so that two Global Administrators removing each other cannot leave the
# tenant without any.

GA = DirectoryRole.GLOBAL_ADMINISTRATOR

# Generated passwords: four groups of four characters, without look-alikes (0/O, 1/l/I), easy to read out.
_READABLE_CHARACTERS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class LastGlobalAdministrator(ValidationError):
    """The change would leave the tenant without a Global Administrator."""

    def __init__(self):
        super().__init__(
            _(
                "This is the organization's only Global Administrator. Assign the Global Administrator role to "
                "another user first."
            ),
            code="last_global_admin",
        )


@dataclass(frozen=True)
class UserWithPassword:
    """A user and the password just set, to be shown once to the administrator (it is stored only hashed)."""

    user: User
    password: str
    generated: bool


def password_generate() -> str:
    while True:
        password = "-".join("".join(secrets.choice(_READABLE_CHARACTERS) for _ in range(4)) for _ in range(4))
        # Both letters and digits, so that no password validator can refuse it.
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def _audit(*, center: AdminCenter, actor: User, action: AuditAction, obj, details: dict[str, Any]) -> None:
    audit_record(
        actor=actor, action=action, target_tenant=center.tenant, obj=obj, details=details, acting_for=center.partner
    )


def _lock_tenant(tenant: Tenant) -> None:
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()


def _locked_user(center: AdminCenter, user: User) -> tuple[User, frozenset[str]]:
    """The user, re-read under the tenant's lock, and its directory roles now."""
    _lock_tenant(center.tenant)
    try:
        locked = User.objects.get(pk=user.pk, tenant=center.tenant)
    except User.DoesNotExist:
        raise ValidationError(_("This user no longer exists."), code="gone") from None
    roles = frozenset(DirectoryRoleAssignment.objects.filter(user=locked).values_list("role", flat=True))
    return locked, roles


def _global_admin_count(tenant: Tenant) -> int:
    return DirectoryRoleAssignment.objects.filter(user__tenant=tenant, role=GA).count()


def _password_check(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from None


@transaction.atomic
def tenant_user_create(
    *,
    center: AdminCenter,
    actor: User,
    first_name: str,
    last_name: str,
    email: str,
    password: str | None,
    roles: Iterable[str] = (),
) -> UserWithPassword:
    """A new user of the center's tenant, with `password` or, when it is None, a generated one. Roles only from a
    Global Administrator (who manages roles). The address must be at the tenant's domain, which is checked before the
    address is looked up (partnercenter.services.email_domain_check): whoever adds the user, the customer's own admin
    or a partner acting for it, learns nothing about addresses at other tenants' domains."""
    center.require(CAN_MANAGE_USERS)
    roles = sorted(set(roles))
    if roles:
        center.require(CAN_MANAGE_ROLES)
        unknown = set(roles) - set(DirectoryRole.values)
        if unknown:
            raise ValidationError({"roles": _("Choose roles from the list.")})
    user = User(
        tenant=center.tenant,
        email=User.objects.normalize_email(email.strip()).lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    user.full_clean(exclude=["password"], validate_unique=False)
    email_domain_check(tenant=center.tenant, email=user.email)
    if User.objects.filter(email__iexact=user.email).exists():
        raise ValidationError({"email": _("A user with this email address already exists.")})
    generated = password is None
    if password is None:
        password = password_generate()
    else:
        _password_check(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same email address, added a moment ago
        raise ValidationError({"email": _("A user with this email address already exists.")}) from None
    DirectoryRoleAssignment.objects.bulk_create(DirectoryRoleAssignment(user=user, role=r) for r in roles)
    _audit(
        center=center,
        actor=actor,
        action=AuditAction.USER_CREATE,
        obj=user,
        details={"email": user.email, "name": user.get_full_name(), "roles": roles},
    )
    return UserWithPassword(user=user, password=password, generated=generated)


@transaction.atomic
def tenant_user_update(*, center: AdminCenter, actor: User, user: User, first_name: str, last_name: str) -> User:
    """A user's name. (Its roles change on the Roles page.)"""
    locked, roles = _locked_user(center, user)
    require_can_manage_user(center, roles)
    before = {"first_name": locked.first_name, "last_name": locked.last_name}
    locked.first_name = first_name.strip()
    locked.last_name = last_name.strip()
    locked.full_clean(exclude=["password"])
    locked.save(update_fields=["first_name", "last_name"])
    after = {"first_name": locked.first_name, "last_name": locked.last_name}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    _audit(
        center=center,
        actor=actor,
        action=AuditAction.USER_UPDATE,
        obj=locked,
        details={"email": locked.email, **changes},
    )
    return locked


@transaction.atomic
def tenant_user_reset_password(
    *, center: AdminCenter, actor: User, user: User, password: str | None
) -> UserWithPassword:
    """A new password for the user, `password` or, when it is None, a generated one. The user's sessions end: a
    session is valid only while the password it was opened with is (Django's session hash)."""
    locked, roles = _locked_user(center, user)
    require_can_reset_password_of(center, roles)
    generated = password is None
    if password is None:
        password = password_generate()
    else:
        _password_check(password, locked)
    locked.set_password(password)
    locked.save(update_fields=["password"])
    _audit(
        center=center,
        actor=actor,
        action=AuditAction.USER_PASSWORD_RESET,
        obj=locked,
        details={"email": locked.email, "generated": generated},
    )
    return UserWithPassword(user=locked, password=password, generated=generated)


@transaction.atomic
def tenant_user_delete(*, center: AdminCenter, actor: User, user: User) -> None:
    """Delete the user, with its role assignments and licenses. Not oneself; not the last Global Administrator."""
    locked, roles = _locked_user(center, user)
    require_can_delete_user(center, actor, locked, roles)
    if GA in roles and _global_admin_count(center.tenant) <= 1:
        raise LastGlobalAdministrator
    details = {"email": locked.email, "name": locked.get_full_name(), "roles": sorted(roles)}
    try:
        with transaction.atomic():
            locked.delete()  # the object keeps its public_id, which the audit event names
    except ProtectedError:  # e.g. a partner user who created relationship requests
        raise ValidationError(
            _("This user can't be deleted: records of the organization refer to them."), code="protected"
        ) from None
    _audit(center=center, actor=actor, action=AuditAction.USER_DELETE, obj=locked, details=details)


@transaction.atomic
def role_assign(*, center: AdminCenter, actor: User, user: User, role: str) -> DirectoryRoleAssignment:
    """Give a user of the tenant a directory role (Global Administrators only)."""
    center.require(CAN_MANAGE_ROLES)
    if role not in DirectoryRole.values:
        raise ValidationError(_("Choose a role from the list."))
    locked, roles = _locked_user(center, user)
    if role in roles:
        raise ValidationError(
            _("%(user)s already has this role.") % {"user": locked.display_name}, code="already_assigned"
        )
    assignment = DirectoryRoleAssignment(user=locked, role=role)
    assignment.full_clean()
    assignment.save()
    _audit(
        center=center,
        actor=actor,
        action=AuditAction.ROLE_ASSIGN,
        obj=locked,
        details={"email": locked.email, "role": role},
    )
    return assignment


@transaction.atomic
def role_remove(*, center: AdminCenter, actor: User, user: User, role: str) -> None:
    """Take a directory role from a user of the tenant (Global Administrators only); the last Global Administrator
    keeps theirs."""
    center.require(CAN_MANAGE_ROLES)
    locked, roles = _locked_user(center, user)
    if role not in roles:
        raise ValidationError(_("%(user)s does not have this role.") % {"user": locked.display_name}, code="absent")
    if role == GA and _global_admin_count(center.tenant) <= 1:
        raise LastGlobalAdministrator
    DirectoryRoleAssignment.objects.filter(user=locked, role=role).delete()
    _audit(
        center=center,
        actor=actor,
        action=AuditAction.ROLE_REMOVE,
        obj=locked,
        details={"email": locked.email, "role": role},
    )


# --- Subscriptions and licenses ---------------------------------------------------------------------------------------
# State changes of Microsoft 365 subscriptions and their licenses.


def subscription_create(
    *, customer: Tenant, partner: Partner, product: str, seats: int, created_by: User
) -> Subscription:
    """A partner provisions a Microsoft 365 subscription for its customer (a reseller relationship is enough)."""
    subscription = Subscription(
        tenant=customer, product=product, seats=seats, provisioned_by=partner, created_by=created_by
    )
    subscription.full_clean()
    subscription.save()
    audit_record(
        actor=created_by,
        action=AuditAction.SUBSCRIPTION_CREATE,
        target_tenant=customer,
        obj=subscription,
        details={"product": product, "seats": seats},
        acting_for=partner,
    )
    return subscription


@transaction.atomic
def license_assign(
    *, subscription: Subscription, user: User, assigned_by: User, partner: Partner | None = None
) -> LicenseAssignment:
    """Give `user` one seat of `subscription`. `partner` is the partner whose agent acts on the customer's behalf.

    The subscription row is locked while the seats are counted, so two administrators assigning the last seat at the
    same moment cannot both get it: the second one waits, then counts the first one's assignment."""
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if user.tenant_id != locked.tenant_id:
        raise ValidationError(_("Licenses can be assigned only to users of the subscription's organization."))
    if LicenseAssignment.objects.filter(subscription=locked, user=user).exists():
        raise ValidationError(_("%(user)s already has a license for this subscription.") % {"user": user.email})
    assigned = LicenseAssignment.objects.filter(subscription=locked).count()
    if assigned >= locked.seats:
        raise ValidationError(
            _(
                "All %(seats)s licenses of this subscription are assigned. Unassign a license before you assign "
                "it to someone else."
            )
            % {"seats": locked.seats}
        )
    assignment = LicenseAssignment(subscription=locked, user=user)
    assignment.full_clean()
    assignment.save()
    audit_record(
        actor=assigned_by,
        action=AuditAction.LICENSE_ASSIGN,
        target_tenant=locked.tenant,
        obj=locked,
        details={"user": user.email, "product": locked.product},
        acting_for=partner,
    )
    return assignment


@transaction.atomic
def license_unassign(
    *, subscription: Subscription, user: User, unassigned_by: User, partner: Partner | None = None
) -> None:
    """Take `user`'s license of `subscription` back; its seat is free again."""
    deleted, _deleted_by_model = LicenseAssignment.objects.filter(subscription=subscription, user=user).delete()
    if not deleted:
        raise ValidationError(_("%(user)s has no license for this subscription.") % {"user": user.email})
    audit_record(
        actor=unassigned_by,
        action=AuditAction.LICENSE_UNASSIGN,
        target_tenant=subscription.tenant,
        obj=subscription,
        details={"user": user.email, "product": subscription.product},
        acting_for=partner,
    )
