"""State changes of the partner's own users (Settings > User management): add a partner user, set its roles, remove
it. The partner's Global admin does these; the view checks that (access.partner_user_for / partner_global_admin_for),
the services keep the directory's invariants whoever calls them.

A new partner user gets no password from the admin: it is emailed a link to choose its own (the same single-use,
expiring link as "Forgot your password?"). Nobody but the user ever knows the password, and nothing secret has to be
shown on a page or passed on by hand.
"""

from collections.abc import Iterable

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from partnercenter.audit import audit_record
from partnercenter.emails import email_enqueue
from partnercenter.models import AuditAction, DirectoryRole, DirectoryRoleAssignment, Partner, SecurityGroup, User
from partnercenter.services import email_domain_check, user_create

from .rules import PARTNER_ROLE_KINDS

Kind = SecurityGroup.Kind


def _clean_kinds(group_kinds: Iterable[str]) -> list[str]:
    kinds = list(dict.fromkeys(group_kinds))
    unknown = [k for k in kinds if k not in PARTNER_ROLE_KINDS]
    if unknown:
        raise ValidationError({"roles": _("Choose roles from the list.")})
    return kinds


def password_set_link(user: User) -> str:
    """The link where `user` chooses its password: allauth's password reset link. Single use (it is bound to the
    current password hash) and valid for PASSWORD_RESET_TIMEOUT. Built from SITE_URL, never from a Host header."""
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"}).replace("UID-KEY", key)
    return settings.SITE_URL + path


@transaction.atomic
def partner_user_create(
    *,
    partner: Partner,
    created_by: User,
    email: str,
    first_name: str,
    last_name: str,
    group_kinds: Iterable[str],
    language: str,
) -> User:
    """A new user of the partner's tenant in the chosen built-in groups, emailed a link to choose its password. Its
    address must be at the partner's domain, which is checked before the address is looked up (see
    services.email_domain_check): only an address at the partner's own domain may be said to exist already."""
    kinds = _clean_kinds(group_kinds)
    email = User.objects.normalize_email(email.strip()).lower()
    email_domain_check(tenant=partner.tenant, email=email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this email address already exists.")})
    user = user_create(
        tenant=partner.tenant,
        email=email,
        password=None,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        group_kinds=kinds,
        preferred_language=language,
    )
    email_enqueue(
        to=user.email,
        template="partner_user_invitation",
        context={
            "user": user,
            "partner_name": partner.name,
            "invited_by": created_by.display_name,
            "link": password_set_link(user),
            "valid_days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
            "sign_in": settings.SITE_URL + reverse("account_login"),
        },
        language=language,
        topic=user,
    )
    audit_record(
        actor=created_by,
        action=AuditAction.PARTNER_USER_CREATE,
        target_tenant=partner.tenant,
        obj=user,
        details={"user": user.email, "roles": kinds},
    )
    return user


@transaction.atomic
def partner_user_update_roles(*, partner: Partner, user: User, group_kinds: Iterable[str], updated_by: User) -> User:
    """Set the user's roles: exactly the given built-in groups (other groups it is in are left alone)."""
    if user.tenant_id != partner.tenant_id or not user.is_active:
        raise ValidationError(_("This user is not one of your organization's users."))
    kinds = set(_clean_kinds(group_kinds))
    groups = SecurityGroup.objects.filter(tenant=partner.tenant, kind__in=PARTNER_ROLE_KINDS)
    before = sorted(groups.filter(members=user).values_list("kind", flat=True))
    for group in groups:
        if group.kind in kinds:
            group.members.add(user)
        else:
            group.members.remove(user)
    after = sorted(kinds)
    if before != after:
        audit_record(
            actor=updated_by,
            action=AuditAction.PARTNER_USER_UPDATE,
            target_tenant=partner.tenant,
            obj=user,
            details={"user": user.email, "roles": after, "previous_roles": before},
        )
    return user


@transaction.atomic
def partner_user_remove(*, partner: Partner, user: User, removed_by: User) -> None:
    """Remove a partner user: deactivated rather than deleted, so that its audit trail and the requests it made keep
    naming it. It loses its roles and its password; its sessions end at their next request (Django refuses an inactive
    user's session) and it cannot sign in again."""
    if user.tenant_id != partner.tenant_id or not user.is_active:
        raise ValidationError(_("This user is not one of your organization's users."))
    if user.pk == removed_by.pk:
        raise ValidationError(_("You can't remove yourself."))
    # Lock the tenant's Global admins, so that two removals at once cannot both pass the check below.
    global_admins = list(
        User.objects.select_for_update()
        .filter(
            tenant_id=partner.tenant_id,
            is_active=True,
            role_assignments__role=DirectoryRole.GLOBAL_ADMINISTRATOR,
        )
        .values_list("pk", flat=True)
    )
    if user.pk in global_admins and len(global_admins) <= 1:
        raise ValidationError(_("This is your organization's last Global admin; it can't be removed."))
    roles = sorted(
        SecurityGroup.objects.filter(tenant=partner.tenant, members=user)
        .exclude(kind=Kind.CUSTOM)
        .values_list("kind", flat=True)
    )
    user.security_groups.clear()
    DirectoryRoleAssignment.objects.filter(user=user).delete()
    user.is_active = False
    user.set_unusable_password()  # belt and braces: the session hash changes too
    user.save(update_fields=["is_active", "password"])
    audit_record(
        actor=removed_by,
        action=AuditAction.PARTNER_USER_REMOVE,
        target_tenant=partner.tenant,
        obj=user,
        details={"user": user.email, "roles": roles},
    )


# Settings > Security groups: the partner's own custom groups and their members (users of its own tenant only).


@transaction.atomic
def security_group_create(*, partner: Partner, created_by: User, name: str) -> SecurityGroup:
    """A new custom security group of the partner's tenant, without members; its name unique in the tenant."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError({"name": _("Enter a name.")})
    if len(cleaned) > SecurityGroup._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError({"name": _("Use at most 120 characters.")})
    if SecurityGroup.objects.filter(tenant_id=partner.tenant_id, name__iexact=cleaned).exists():
        raise ValidationError({"name": _("Your organization already has a security group with this name.")})
    group = SecurityGroup.objects.create(tenant_id=partner.tenant_id, kind=Kind.CUSTOM, name=cleaned)
    audit_record(
        actor=created_by,
        action=AuditAction.SECURITY_GROUP_CREATE,
        target_tenant=partner.tenant,
        obj=group,
        details={"group": cleaned},
    )
    return group


def _custom_group_locked(group: SecurityGroup) -> SecurityGroup:
    locked = SecurityGroup.objects.select_for_update().get(pk=group.pk)
    if locked.kind != Kind.CUSTOM:
        raise ValidationError(_("The built-in groups' members are set by their roles, on User management."))
    return locked


@transaction.atomic
def security_group_member_add(*, group: SecurityGroup, user: User, added_by: User) -> None:
    """Add an active user of the group's own tenant to a custom group (adding a member twice changes nothing)."""
    locked = _custom_group_locked(group)
    if user.tenant_id != locked.tenant_id or not user.is_active:
        raise ValidationError({"user": _("Choose a user of your organization.")})
    if locked.members.filter(pk=user.pk).exists():
        return
    locked.members.add(user)
    audit_record(
        actor=added_by,
        action=AuditAction.SECURITY_GROUP_MEMBER_ADD,
        target_tenant=locked.tenant,
        obj=locked,
        details={"group": locked.name, "user": user.email},
    )


@transaction.atomic
def security_group_member_remove(*, group: SecurityGroup, user: User, removed_by: User) -> None:
    """Take a user out of a custom group: the roles the group gives (GDAP) are gone at once."""
    locked = _custom_group_locked(group)
    if not locked.members.filter(pk=user.pk).exists():
        return
    locked.members.remove(user)
    audit_record(
        actor=removed_by,
        action=AuditAction.SECURITY_GROUP_MEMBER_REMOVE,
        target_tenant=locked.tenant,
        obj=locked,
        details={"group": locked.name, "user": user.email},
    )
