"""Demo data for a newcomer: two partners with agents of each role, customers with Global admins and plain users,
relationships and a pending request. Idempotent: running it again changes nothing but the pending request's link.
With --reset (DEBUG only), the database is emptied first: the demo is back as it was before the tour changed it.
"""

import base64
import hashlib
from collections.abc import Sequence
from datetime import timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from admin_relationships.models import RoleTemplate
from admin_relationships.services import (
    access_assignment_activate,
    access_assignment_create,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
    admin_relationship_reject,
    admin_relationship_terminate,
    approval_link,
    role_template_create,
)
from autopilot import csv_import
from autopilot.models import AutopilotProfile, DeviceBatch, DeviceSource
from autopilot.rules import manageable_q
from autopilot.services import device_batch_upload, profile_apply, profile_create
from azure_subscriptions.models import AzureSubscription
from azure_subscriptions.services import azure_subscription_create, azure_subscription_provision
from partner_settings.app_services import api_application_create, api_client_secret_create
from partner_settings.services import security_group_create, security_group_member_add
from partnercenter.models import (
    AdminRelationship,
    ApiApplication,
    ApiClientSecret,
    ApiPermission,
    DelegatedAdminGrant,
    DirectoryRole,
    Partner,
    ResellerRelationship,
    SecurityGroup,
    Tenant,
    User,
)
from partnercenter.services import partner_create, tenant_create, user_create
from partnercenter.tokens import token_hash
from relationships.models import RelationshipRequest, ShareMethod
from relationships.services import (
    relationship_request_create,
    relationship_request_mark_sent,
    relationship_request_reissue,
)

DEMO_PASSWORD = "Demo-password-2026"  # noqa: S105 -- documented demo sign-in, never in production
# Partner users and site staff must use an authenticator app (TOTP). The demo's are published, so that a newcomer can
# sign in without a phone (`manage.py totp_code EMAIL` prints the current code) or add them to a phone app by hand.
# Demo only: anyone who reads this file can compute these users' codes.
DEMO_TOTP_SECRETS = {
    "admin@fabrikam.example": "DEMOFABRIKAMADMINXXXXXXXXXXXXXXX",
    "sales@fabrikam.example": "DEMOFABRIKAMSALESXXXXXXXXXXXXXXX",
    "helpdesk@fabrikam.example": "DEMOFABRIKAMHELPDESKXXXXXXXXXXXX",
    "support@fabrikam.example": "DEMOFABRIKAMSUPPORTXXXXXXXXXXXXX",
    "admin@northwind.example": "DEMONORTHWINDADMINXXXXXXXXXXXXXX",
    # Site staff sign in to the Django admin with two-step verification too.
    "staff@partnercenter.example": "DEMOSTAFFXXXXXXXXXXXXXXXXXXXXXXX",
}
# Fabrikam's app for the Graph-compatible API, with a published client ID and secret (the README's curl uses them).
# Demo only: anyone who reads this file can get Fabrikam's tokens with them.
DEMO_APP_CLIENT_ID = "fab0de30-0000-4000-8000-000000000001"
DEMO_APP_SECRET = "Demo-app-secret-Fabrikam-2026"  # noqa: S105 -- documented demo secret, never in production

Kind = SecurityGroup.Kind
Status = AdminRelationship.Status
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
            # In no built-in group: only the custom "Tier 1 support" group, whose GDAP roles are all it has.
            ("support", "Sky", "Support", [], []),
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
            # what it adds (a new customer organization) is not the demo's to find: only an empty database puts the
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
        # Printed below for the newcomer to open: the link is out, as if the agent had sent it and selected Done.
        relationship_request_mark_sent(
            relationship_request=issued.request, marked_by=agent, token=issued.token, how=ShareMethod.DONE
        )
        # A draft the Sales agent left without sending: Relationship requests shows it as a draft, to open or discard.
        sales = User.objects.get(email="sales@fabrikam.example")
        if not RelationshipRequest.objects.filter(
            partner=fabrikam, created_by=sales, state=RelationshipRequest.State.DRAFT, expires_at__gt=timezone.now()
        ).exists():
            relationship_request_create(partner=fabrikam, created_by=sales, include_delegated_admin=False)

        self._azure(fabrikam, agent)
        self._autopilot(fabrikam, agent)
        approval = self._gdap(fabrikam, agent)
        self._api_app(fabrikam, agent)

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
            "support@fabrikam.example  (Fabrikam Partners: only in the Tier 1 support group, roles through GDAP)",
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
        if approval:
            self.stdout.write(
                "Admin roles Fabrikam asks of Adventure Works (open it as globaladmin@adventure-works.example):"
            )
            self.stdout.write("  " + approval)
        self.stdout.write("Fabrikam's app for the Graph API (Settings > Apps; its secret is published, demo only):")
        self.stdout.write(f"  client ID {DEMO_APP_CLIENT_ID}  secret {DEMO_APP_SECRET}")
        self.stdout.write(f"  token endpoint {settings.SITE_URL}/fabrikam.example/oauth2/v2.0/token")

    def _api_app(self, fabrikam: Partner, agent: User) -> None:
        """Fabrikam's "Demo automation" app, registered and given a secret through Settings' services; then its client
        ID and secret are set to the published ones (the services draw random ones, as they must)."""
        app = ApiApplication.objects.filter(public_id=DEMO_APP_CLIENT_ID).first()
        if app is None:
            app = api_application_create(
                partner=fabrikam,
                created_by=agent,
                display_name="Demo automation",
                permissions=[ApiPermission.RELATIONSHIP_READ_WRITE, ApiPermission.CUSTOMER_READ],
            )
            ApiApplication.objects.filter(pk=app.pk).update(public_id=DEMO_APP_CLIENT_ID)
            app.refresh_from_db()
        usable = app.secrets.filter(
            secret_hash=token_hash(DEMO_APP_SECRET), revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        if not usable.exists():
            new = api_client_secret_create(app=app, created_by=agent, description="Demo", lifetime_days=730)
            ApiClientSecret.objects.filter(pk=new.secret.pk).update(
                secret_hash=token_hash(DEMO_APP_SECRET), hint=DEMO_APP_SECRET[:3]
            )

    def _gdap(self, fabrikam: Partner, agent: User) -> str | None:
        """Fabrikam's granular admin relationships, one in each status: with Adventure Works an active one (auto-extend,
        its roles given to Fabrikam's Admin Agents and to a custom "Tier 1 support" group) and a request awaiting its
        approval (the link is printed); with demo customers one expiring within 7 days, a draft, an expired, a
        terminated, a rejected one and one whose termination was requested. Dates are moved back where a status
        needs time to have passed. Returns the pending request's link (a new one on every run: only its hash is
        kept). And a role template, "Helpdesk, least privilege", to start requests from."""
        adventure = Tenant.objects.get(primary_domain="adventure-works.example")
        support = User.objects.get(email="support@fabrikam.example")
        tier1 = SecurityGroup.objects.filter(tenant=fabrikam.tenant, name="Tier 1 support").first()
        if tier1 is None:
            tier1 = security_group_create(partner=fabrikam, created_by=agent, name="Tier 1 support")
            security_group_member_add(group=tier1, user=support, added_by=agent)
        admin_agents = SecurityGroup.objects.get(tenant=fabrikam.tenant, kind=Kind.ADMIN_AGENTS)
        if not RoleTemplate.objects.filter(partner=fabrikam, name="Helpdesk, least privilege").exists():
            helpdesk_agents = SecurityGroup.objects.get(tenant=fabrikam.tenant, kind=Kind.HELPDESK_AGENTS)
            role_template_create(
                partner=fabrikam,
                created_by=agent,
                name="Helpdesk, least privilege",
                entries={
                    DirectoryRole.HELPDESK_ADMINISTRATOR: helpdesk_agents,
                    DirectoryRole.USER_ADMINISTRATOR: tier1,
                    DirectoryRole.GLOBAL_READER: admin_agents,
                },
            )

        def relationship(name: str, customer: Tenant, roles: Sequence[str], days: int = 730, **kw) -> AdminRelationship:
            existing = AdminRelationship.objects.filter(partner=fabrikam, display_name=name).first()
            return existing or admin_relationship_create(
                partner=fabrikam,
                customer=customer,
                created_by=agent,
                display_name=name,
                roles=roles,
                duration_days=days,
                **kw,
            )

        def approved(name: str, customer: Tenant, roles: Sequence[str], days: int = 730, **kw):
            """The relationship, approved by the customer's Global admin when new; and whether it was new."""
            rel = relationship(name, customer, roles, days, **kw)
            if rel.status != Status.CREATED:
                return rel, False
            admin_relationship_finalize(relationship=rel, finalized_by=agent)
            approver = self._user(customer, f"globaladmin@{customer.primary_domain}", "Gale", customer.name, roles=[GA])
            return admin_relationship_approve(relationship=rel, approved_by=approver), True

        def moved(rel: AdminRelationship, started_days_ago: int) -> None:
            """As if approved `started_days_ago` days ago."""
            start = timezone.now() - timedelta(days=started_days_ago)
            AdminRelationship.objects.filter(pk=rel.pk).update(
                activated_at=start, ends_at=start + timedelta(days=rel.duration_days), created_at=start
            )

        support_roles: list[str] = [DirectoryRole.USER_ADMINISTRATOR, DirectoryRole.HELPDESK_ADMINISTRATOR]
        active, new = approved("Adventure Works support", adventure, support_roles, auto_extend=True)
        if new:
            for group, roles in ((tier1, support_roles), (admin_agents, [DirectoryRole.USER_ADMINISTRATOR])):
                assignment = access_assignment_create(
                    relationship=active, security_group=group, roles=roles, created_by=agent
                )
                access_assignment_activate(assignment_id=assignment.pk)

        customer = {i: self._tenant(f"Demo Customer {i:03d}", f"customer{i:03d}.example") for i in range(1, 7)}
        expiring, new = approved("Demo 001 licenses", customer[1], [DirectoryRole.LICENSE_ADMINISTRATOR], days=30)
        if new:
            moved(expiring, 25)  # ends in 5 days
        relationship("Demo 002 onboarding", customer[2], [DirectoryRole.GLOBAL_READER])
        expired, new = approved("Demo 003 migration", customer[3], [DirectoryRole.EXCHANGE_ADMINISTRATOR], days=60)
        if new:
            moved(expired, 80)  # ended 20 days ago; marked as the periodic task marks it
            AdminRelationship.objects.filter(pk=expired.pk).update(status=Status.EXPIRED)
        ended, new = approved("Demo 004 project", customer[4], [DirectoryRole.SHAREPOINT_ADMINISTRATOR], days=90)
        if new:
            admin_relationship_terminate(relationship=ended, terminated_by=agent, acting_for=fabrikam)
        rejected = relationship("Demo 005 security", customer[5], [DirectoryRole.SECURITY_ADMINISTRATOR], days=180)
        if rejected.status == Status.CREATED:
            admin_relationship_finalize(relationship=rejected, finalized_by=agent)
            approver = self._user(customer[5], "globaladmin@customer005.example", "Gale", "Demo", roles=[GA])
            admin_relationship_reject(relationship=rejected, rejected_by=approver)
        ending, new = approved("Demo 006 teams", customer[6], [DirectoryRole.TEAMS_ADMINISTRATOR], days=365)
        if new:
            AdminRelationship.objects.filter(pk=ending.pk).update(status=Status.TERMINATION_REQUESTED)

        pending = relationship(
            "Adventure Works security review",
            adventure,
            [DirectoryRole.SECURITY_READER, DirectoryRole.REPORTS_READER],
            days=90,
        )
        if pending.status == Status.APPROVAL_PENDING:  # a new link each run: the old one's token is not kept
            AdminRelationship.objects.filter(pk=pending.pk).update(status=Status.CREATED)
            pending.refresh_from_db()
        if pending.status != Status.CREATED:
            return None  # approved or rejected during the tour
        finalized = admin_relationship_finalize(relationship=pending, finalized_by=agent)
        return approval_link(finalized.token)

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
