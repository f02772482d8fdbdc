"""Demo data for a newcomer: two partners with agents of each role, customers with Global admins and plain users,
relationships and a pending request. Idempotent: running it again changes nothing but the pending request's link.
With --reset (DEBUG only), the database is emptied first: the demo is back as it was before the tour changed it.
"""

import base64
import hashlib

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from autopilot import csv_import
from autopilot.models import AutopilotProfile, DeviceBatch, DeviceSource
from autopilot.rules import manageable_q
from autopilot.services import device_batch_upload, profile_apply, profile_create
from azure_subscriptions.models import AzureSubscription
from azure_subscriptions.services import azure_subscription_create, azure_subscription_provision
from partnercenter.models import (
    DelegatedAdminGrant,
    DirectoryRole,
    Partner,
    ResellerRelationship,
    SecurityGroup,
    Tenant,
    User,
)
from partnercenter.services import partner_create, tenant_create, user_create
from relationships.models import RelationshipRequest
from relationships.services import relationship_request_create, relationship_request_reissue

DEMO_PASSWORD = "Demo-password-2026"  # noqa: S105 -- documented demo sign-in, never in production
# Partner users and site staff must use an authenticator app (TOTP). The demo's are published, so that a newcomer can
# sign in without a phone (`manage.py totp_code EMAIL` prints the current code) or add them to a phone app by hand.
# Demo only: anyone who reads this file can compute these users' codes.
DEMO_TOTP_SECRETS = {
    "admin@fabrikam.example": "DEMOFABRIKAMADMINXXXXXXXXXXXXXXX",
    "sales@fabrikam.example": "DEMOFABRIKAMSALESXXXXXXXXXXXXXXX",
    "helpdesk@fabrikam.example": "DEMOFABRIKAMHELPDESKXXXXXXXXXXXX",
    "admin@northwind.example": "DEMONORTHWINDADMINXXXXXXXXXXXXXX",
    # Site staff sign in to the Django admin with two-step verification too.
    "staff@partnercenter.example": "DEMOSTAFFXXXXXXXXXXXXXXXXXXXXXXX",
}
Kind = SecurityGroup.Kind
GA = DirectoryRole.GLOBAL_ADMINISTRATOR

PARTNERS = [
    (
        "Fabrikam Partners",
        "fabrikam.example",
        "4100001",
        [
            ("admin", "Avery", "Admin", [Kind.ADMIN_AGENTS], [GA]),
            ("sales", "Sam", "Sales", [Kind.SALES_AGENTS], []),
            ("helpdesk", "Harper", "Helpdesk", [Kind.HELPDESK_AGENTS], []),
        ],
    ),
    (
        "Northwind Traders",
        "northwind.example",
        "4100002",
        [
            ("admin", "Noa", "Admin", [Kind.ADMIN_AGENTS], [GA]),
        ],
    ),
]

CUSTOMERS = [
    # name, domain, Fabrikam relationship: None, "reseller" or "dap"
    ("Contoso", "contoso.example", "dap"),
    ("Adventure Works", "adventure-works.example", "reseller"),
    ("Litware", "litware.example", None),
]


class Command(BaseCommand):
    help = "Create (or keep) the demo partners, customers, relationships and sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--extra-customers", type=int, default=60, help="More customers of Fabrikam, to page.")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the whole database first (embedded default only), to take the tour again from the start.",
        )

    @transaction.atomic
    def handle(self, *args, extra_customers: int, reset: bool = False, **options):
        if reset:
            # What the tour changes reaches every table (relationships, users, devices, the outbox, the audit log), and
            # what it adds (a new customer organisation) is not the demo's to find: only an empty database puts the
            # demo back as it was. So only on the embedded default: `make demo-reset` turns DEBUG on by itself, and a
            # shell with the production variables must not empty the production database with it.
            embedded = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
            if not (settings.DEBUG and embedded):
                raise CommandError(
                    "--reset empties the whole database: it runs only on the embedded default (DEBUG on, SQLite)."
                )
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("The database was emptied; creating the demo again.")
        partners = {}
        for name, domain, partner_id, users in PARTNERS:
            partner = Partner.objects.filter(tenant__primary_domain=domain).first() or partner_create(
                name=name, primary_domain=domain, partner_id=partner_id
            )
            partners[domain] = partner
            for local, first, last, kinds, roles in users:
                user = self._user(partner.tenant, f"{local}@{domain}", first, last, roles=roles, group_kinds=kinds)
                self._authenticator(user)
        fabrikam = partners["fabrikam.example"]
        agent = User.objects.get(email="admin@fabrikam.example")
        for name, domain, relation in CUSTOMERS:
            tenant = self._tenant(name, domain)
            admin = self._user(tenant, f"globaladmin@{domain}", "Gale", name.split()[0], roles=[GA])
            self._user(tenant, f"user@{domain}", "Pat", name.split()[0])
            if relation:
                ResellerRelationship.objects.get_or_create(partner=fabrikam, customer=tenant)
            if relation == "dap" and not DelegatedAdminGrant.objects.filter(partner=fabrikam, customer=tenant).exists():
                DelegatedAdminGrant.objects.create(partner=fabrikam, customer=tenant, granted_by=admin)
        for i in range(1, extra_customers + 1):
            tenant = self._tenant(f"Demo Customer {i:03d}", f"customer{i:03d}.example")
            ResellerRelationship.objects.get_or_create(partner=fabrikam, customer=tenant)

        pending = RelationshipRequest.objects.filter(
            partner=fabrikam, created_by=agent, state=RelationshipRequest.State.PENDING
        ).first()
        if pending is None:
            issued = relationship_request_create(partner=fabrikam, created_by=agent, include_delegated_admin=True)
        else:
            issued = relationship_request_reissue(relationship_request=pending, reissued_by=agent)

        self._azure(fabrikam, agent)
        self._autopilot(fabrikam, agent)

        staff, created = User.objects.get_or_create(
            email="staff@partnercenter.example", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            staff.set_password(DEMO_PASSWORD)
            staff.save()
        self._authenticator(staff)

        self.stdout.write(self.style.SUCCESS("Demo data ready. Every sign-in's password: " + DEMO_PASSWORD))
        for email in [
            "admin@fabrikam.example    (Fabrikam Partners: Admin agent)",
            "sales@fabrikam.example    (Fabrikam Partners: Sales agent)",
            "helpdesk@fabrikam.example (Fabrikam Partners: Helpdesk agent)",
            "admin@northwind.example   (Northwind Traders: Admin agent)",
            "globaladmin@contoso.example, user@contoso.example (Contoso: Global admin, plain user)",
            "globaladmin@litware.example (Litware: Global admin, no partner yet)",
            "staff@partnercenter.example (site staff: /admin/)",
        ]:
            self.stdout.write("  " + email)
        self.stdout.write(
            "Partner users sign in with a code from an authenticator app too. Without a phone, print the current code "
            "with `make code EMAIL=admin@fabrikam.example` (or `DEBUG=1 .venv/bin/python manage.py totp_code EMAIL`). "
            "To use a phone app instead, add an account by hand with the user's secret (demo only):"
        )
        for email, secret in DEMO_TOTP_SECRETS.items():
            self.stdout.write(f"  {email:<26} {secret}")
        self.stdout.write("A pending invitation from Fabrikam (open it as globaladmin@litware.example):")
        self.stdout.write("  " + issued.link)

    def _azure(self, fabrikam: Partner, agent: User) -> None:
        """Contoso's Azure subscriptions: one of its own (its Global admin is the Owner; Fabrikam has no access to it,
        delegated admin or not), and one Fabrikam provisioned (Fabrikam's Admin Agents are its Owner)."""
        contoso = Tenant.objects.get(primary_domain="contoso.example")
        if not AzureSubscription.objects.filter(tenant=contoso, provisioned_by=None).exists():
            azure_subscription_create(
                tenant=contoso,
                name="Contoso production",
                created_by=User.objects.get(email="globaladmin@contoso.example"),
            )
        if not AzureSubscription.objects.filter(tenant=contoso, provisioned_by=fabrikam).exists():
            azure_subscription_provision(partner=fabrikam, customer=contoso, name="Contoso web (Fabrikam)", agent=agent)

    def _autopilot(self, fabrikam: Partner, agent: User) -> None:
        """Contoso's Windows Autopilot: a profile; a device list Fabrikam registered (with the profile applied), one
        with a bad row waiting for confirmation, and devices Contoso added itself through Intune."""
        contoso = Tenant.objects.get(primary_domain="contoso.example")
        if DeviceBatch.objects.filter(tenant=contoso, name="Demo laptops").exists():
            return

        def row(n: int, model: str) -> str:
            hardware_hash = base64.b64encode(hashlib.sha512(f"demo-{n}".encode()).digest() * 8).decode()
            return f"DEMO-{n:04d},,{hardware_hash},Contoso Devices,{model}"

        def file(*rows: str) -> bytes:
            return "\r\n".join([csv_import.PARTNER_CENTER_HEADER, *rows, ""]).encode()

        profile = profile_create(
            customer=contoso,
            name="Standard",
            description="Office laptops",
            skip_privacy_settings=True,
            skip_eula=True,
            created_by=agent,
            partner=fabrikam,
        )
        laptops = device_batch_upload(
            customer=contoso,
            name="Demo laptops",
            data=file(*(row(n, "Laptop 14") for n in range(1, 5))),
            file_name="demo-laptops.csv",
            source=DeviceSource.PARTNER,
            uploaded_by=agent,
            partner=fabrikam,
        )
        profile_apply(
            customer=contoso,
            profile=profile,
            batch_ids=[laptops.public_id],
            applied_by=agent,
            partner=fabrikam,
            allowed=manageable_q(partner=fabrikam, has_dap=True, strict=False, action="profile"),
        )
        device_batch_upload(
            customer=contoso,
            name="Demo tablets",
            data=file(row(5, "Tablet"), row(6, "Tablet"), row(5, "Tablet")),
            file_name="demo-tablets.csv",
            source=DeviceSource.PARTNER,
            uploaded_by=agent,
            partner=fabrikam,
        )
        device_batch_upload(
            customer=contoso,
            name="Contoso office",
            data=file(row(7, "Desktop"), row(8, "Desktop")),
            file_name="office.csv",
            source=DeviceSource.INTUNE,
            uploaded_by=User.objects.get(email="globaladmin@contoso.example"),
            partner=None,
        )
        AutopilotProfile.objects.get_or_create(tenant=contoso, name="Kiosk", defaults={"skip_setup_pages": True})

    def _authenticator(self, user: User) -> None:
        """The demo user's TOTP authenticator with its published secret, unless it has one (kept as it is)."""
        secret = DEMO_TOTP_SECRETS.get(user.email)
        if secret and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, secret)

    def _tenant(self, name: str, domain: str) -> Tenant:
        return Tenant.objects.filter(primary_domain=domain).first() or tenant_create(name=name, primary_domain=domain)

    def _user(self, tenant, email, first="", last="", roles=(), group_kinds=()) -> User:
        existing = User.objects.filter(email=email).first()
        if existing:
            return existing
        return user_create(
            tenant=tenant,
            email=email,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            roles=roles,
            group_kinds=group_kinds,
        )
