"""Receivers of other apps' signals."""

from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset
from allauth.mfa.signals import authenticator_removed
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation

from .access import MFA_SESSION_KEY
from .models import Partner, ResellerRelationship, Tenant
from .selectors import forget_customer_count
from .services import user_language_set


@receiver(authenticator_removed)
def forget_mfa_in_session(sender, request, **kwargs) -> None:
    # The partner pages check this flag instead of the database; with an authenticator gone it must be checked again.
    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_SESSION_KEY, None)


@receiver(password_reset)
def verify_address_on_password_reset(sender, request, user, **kwargs) -> None:
    """A password chosen from an emailed link (a new partner user's first, or "Forgot your password?") proves that the
    user reads its address: mark it verified.

    allauth's password-reset token mirrors the user's address into an EmailAddress row, unverified, when the link is
    made. Nothing else here verifies it (addresses belong to the directory: there is no email page, no confirmation
    email), and allauth refuses to activate two-step verification while any address of the user is unverified: a
    new partner user, who must activate it before anything else, was locked out for good."""
    addresses = EmailAddress.objects.filter(user_id=user.pk, email__iexact=user.email)
    if not addresses.update(verified=True):
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)


@receiver(user_logged_in)
def remember_language_at_sign_in(sender, request, user, **kwargs) -> None:
    """A user who never chose a language reads the one their browser asks for (its cookie or Accept-Language): remember
    it at sign-in, so that what the portal emails them is in it. A language chosen before is kept."""
    if request is not None and not user.preferred_language:
        user_language_set(user=user, language=translation.get_language_from_request(request))


@receiver(post_save, sender=ResellerRelationship)
@receiver(post_delete, sender=ResellerRelationship)
def recount_customers(sender, instance: ResellerRelationship, **kwargs) -> None:
    # Whoever saves it (a service, the Django admin, the demo data), the partner's cached count follows.
    forget_customer_count(instance.partner_id)


@receiver(post_save, sender=Tenant)
def keep_tenant_copies(sender, instance: Tenant, created: bool, update_fields=None, **kwargs) -> None:
    """A tenant's name and domain are copied onto its reseller relationships (ResellerRelationship.customer_name), and
    its name onto its partner profile (Partner.tenant_name): whoever changes them, the copies follow in the same
    transaction. A new tenant has neither yet."""
    if created or (update_fields is not None and not {"name", "primary_domain"} & set(update_fields)):
        return
    ResellerRelationship.objects.filter(customer=instance).exclude(
        customer_name=instance.name, customer_domain=instance.primary_domain
    ).update(customer_name=instance.name, customer_domain=instance.primary_domain)
    Partner.objects.filter(tenant=instance).exclude(tenant_name=instance.name).update(tenant_name=instance.name)
