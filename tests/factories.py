"""Factories for the directory and relationships, built through the services so invariants hold (partners get
their built-in groups, users their roles)."""

import factory
from factory.django import DjangoModelFactory

from partnercenter.models import DelegatedAdminGrant, Partner, ResellerRelationship, Tenant, User
from partnercenter.services import partner_create, user_create

PASSWORD = "Correct-horse-battery-9"
# A fixed TOTP secret (base32) for partner users, so tests can compute codes.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def mfa_enable(user: User, secret: str = TOTP_SECRET) -> None:
    """Give the user a TOTP authenticator, as partner users must have."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The authenticator's current code. Near the end of its 30 seconds it waits for the next one, as a person does:
    a code typed as its window closes reaches the server in the next window, where it is no longer valid."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


class TenantFactory(DjangoModelFactory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"Customer {n:05d}")
    primary_domain = factory.Sequence(lambda n: f"customer{n:05d}.example")


class PartnerFactory(factory.Factory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    primary_domain = factory.Sequence(lambda n: f"partner{n}.example")
    partner_id = factory.Sequence(lambda n: f"{5000000 + n}")

    @classmethod
    def _create(cls, model_class, **kwargs) -> Partner:
        return partner_create(**kwargs)


class UserFactory(factory.Factory):
    class Meta:
        model = User

    tenant = factory.SubFactory(TenantFactory)
    # At the tenant's domain, as every user's address must be (partnercenter.services.email_domain_check).
    email = factory.LazyAttributeSequence(lambda o, n: f"user{n}@{o.tenant.primary_domain}")
    password = PASSWORD
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    roles = ()
    group_kinds = ()

    @classmethod
    def _create(cls, model_class, **kwargs) -> User:
        return user_create(**kwargs)


class ResellerRelationshipFactory(DjangoModelFactory):
    class Meta:
        model = ResellerRelationship

    partner = factory.SubFactory(PartnerFactory)
    customer = factory.SubFactory(TenantFactory)


class DelegatedAdminGrantFactory(DjangoModelFactory):
    class Meta:
        model = DelegatedAdminGrant

    partner = factory.SubFactory(PartnerFactory)
    customer = factory.SubFactory(TenantFactory)
