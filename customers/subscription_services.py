"""State changes of Microsoft 365 subscriptions and their licences."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnercenter.audit import audit_record
from partnercenter.models import AuditAction, Partner, Tenant, User

from .models import LicenseAssignment, Subscription


@transaction.atomic
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
        raise ValidationError(_("Licences can be assigned only to users of the subscription's organisation."))
    if LicenseAssignment.objects.filter(subscription=locked, user=user).exists():
        raise ValidationError(_("%(user)s already has a licence for this subscription.") % {"user": user.email})
    assigned = LicenseAssignment.objects.filter(subscription=locked).count()
    if assigned >= locked.seats:
        raise ValidationError(
            _(
                "All %(seats)s licences of this subscription are assigned. Unassign a licence before you assign "
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
    """Take `user`'s licence of `subscription` back; its seat is free again."""
    deleted, _deleted_by_model = LicenseAssignment.objects.filter(subscription=subscription, user=user).delete()
    if not deleted:
        raise ValidationError(_("%(user)s has no licence for this subscription.") % {"user": user.email})
    audit_record(
        actor=unassigned_by,
        action=AuditAction.LICENSE_UNASSIGN,
        target_tenant=subscription.tenant,
        obj=subscription,
        details={"user": user.email, "product": subscription.product},
        acting_for=partner,
    )
