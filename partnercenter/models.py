"""The directory core that every app shares: tenants, users, partners, security groups, directory roles, the
relationships that give roles (reseller relationships, delegated admin grants), audit events, and the email
outbox."""

import uuid
from collections.abc import Iterable
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Tenant(models.Model):
    """A directory (organization). Partners and customers are both tenants."""

    public_id = models.UUIDField(_("Microsoft ID"), default=uuid.uuid4, unique=True, editable=False)
    # Both are copied onto the tenant's reseller relationships (ResellerRelationship.customer_name, customer_domain).
    name = models.CharField(_("company name"), max_length=200)
    primary_domain = models.CharField(_("primary domain name"), max_length=253, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self) -> str:
        return f"{self.name} ({self.primary_domain})"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person. Signs in with email; belongs to one home tenant (site staff may have none)."""

    # Django removes an inherited field set to None; the stubs type AbstractUser.username as a field regardless.
    username = None  # type: ignore[assignment]  # the stubs cannot express removing an inherited field
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, related_name="users", null=True, blank=True, verbose_name=_("tenant")
    )
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)
    # An IANA name (Europe/Paris) the user chose; empty: the browser's, as it reports it (partnercenter/timezones.py).
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Any BaseUserManager will do for a custom user model (Django's docs do this); the stubs insist on AbstractUser's
    # UserManager, whose create_user takes a username this model does not have.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]  # stubs: AbstractUser's manager only

    # Per-request caches of partnercenter.access, set on the user object the first time they are asked for (absent
    # until then: access checks hasattr). Declared here, annotation only (Django ignores it), so the type checker
    # knows them; on the user object because it already lives exactly as long as the request.
    _partner_cache: "Partner | None"
    _group_kinds_cache: frozenset[str]
    _own_roles_cache: frozenset[str]
    _has_mfa_cache: bool

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # The orders of a tenant's user lists (customers.selectors.USER_SORTING and the partner's User
        # management), page after page by keyset.
        indexes = [
            models.Index(fields=["tenant", "first_name", "last_name", "id"], name="user_tenant_name"),
            models.Index(fields=["tenant", "email", "id"], name="user_tenant_email"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.display_name_of(self.first_name, self.last_name, self.email)

    @staticmethod
    def display_name_of(first_name: str, last_name: str, email: str) -> str:
        """display_name from the user's values, for lists that read values rather than users: the full name as
        get_full_name() writes it, else the email address."""
        return f"{first_name} {last_name}".strip() or email


class Partner(models.Model):
    """The partner profile of a tenant."""

    tenant = models.OneToOneField(Tenant, on_delete=models.PROTECT, related_name="partner")
    partner_id = models.CharField(_("partner ID"), max_length=20, unique=True)
    # The tenant's name, copied (save() fills it, signals.keep_tenant_copies keeps it): a customer's Settings > Partner
    # relationships lists its partners by name, page after page, from the (tenant_name, tenant) index below. The
    # tenants' own name index holds every tenant, customers too: a customer with many partners paid for walking
    # past every other tenant. Shown names are always read from the tenant.
    tenant_name = models.CharField(max_length=200, editable=False)

    class Meta:
        ordering = ["tenant__name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        indexes = [models.Index(fields=["tenant_name", "tenant"], name="partner_tenant_name")]

    def __str__(self) -> str:
        return self.tenant.name

    def save(self, *args, **kwargs) -> None:
        if not self.tenant_name:
            self.tenant_name = self.tenant.name
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return self.tenant.name


class SecurityGroup(models.Model):
    """A group of users in one tenant. Partner tenants have three built-in groups; a partner user's role is its
    membership of them."""

    class Kind(models.TextChoices):
        ADMIN_AGENTS = "admin_agents", _("Admin Agents")
        HELPDESK_AGENTS = "helpdesk_agents", _("Helpdesk Agents")
        SALES_AGENTS = "sales_agents", _("Sales Agents")
        CUSTOM = "custom", _("Custom")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="security_groups")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CUSTOM)
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(User, related_name="security_groups", blank=True, verbose_name=_("members"))

    class Meta:
        ordering = ["tenant__name", "name"]
        verbose_name = _("security group")
        verbose_name_plural = _("security groups")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind"], condition=~Q(kind="custom"), name="one_builtin_group_of_each_kind"
            ),
            models.UniqueConstraint(fields=["tenant", "name"], name="unique_group_name_per_tenant"),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.tenant.name}"


class DirectoryRole(models.TextChoices):
    """The built-in Microsoft Entra roles the portal knows (partnercenter/roles.py: their template IDs and what each
    is for). The values name them in URLs and rows; what each may do in the admin center is partnercenter.access's
    role table."""

    GLOBAL_ADMINISTRATOR = "global_admin", _("Global Administrator")
    HELPDESK_ADMINISTRATOR = "helpdesk_admin", _("Helpdesk Administrator")
    USER_ADMINISTRATOR = "user_admin", _("User Administrator")
    GLOBAL_READER = "global_reader", _("Global Reader")
    LICENSE_ADMINISTRATOR = "license_admin", _("License Administrator")
    DIRECTORY_READERS = "directory_readers", _("Directory Readers")
    DIRECTORY_WRITERS = "directory_writers", _("Directory Writers")
    PRIVILEGED_ROLE_ADMINISTRATOR = "privileged_role_admin", _("Privileged Role Administrator")
    PRIVILEGED_AUTHENTICATION_ADMINISTRATOR = "privileged_auth_admin", _("Privileged Authentication Administrator")
    AUTHENTICATION_ADMINISTRATOR = "authentication_admin", _("Authentication Administrator")
    SERVICE_SUPPORT_ADMINISTRATOR = "service_support_admin", _("Service Support Administrator")
    EXCHANGE_ADMINISTRATOR = "exchange_admin", _("Exchange Administrator")
    SHAREPOINT_ADMINISTRATOR = "sharepoint_admin", _("SharePoint Administrator")
    TEAMS_ADMINISTRATOR = "teams_admin", _("Teams Administrator")
    INTUNE_ADMINISTRATOR = "intune_admin", _("Intune Administrator")
    SECURITY_ADMINISTRATOR = "security_admin", _("Security Administrator")
    SECURITY_READER = "security_reader", _("Security Reader")
    BILLING_ADMINISTRATOR = "billing_admin", _("Billing Administrator")
    REPORTS_READER = "reports_reader", _("Reports Reader")
    APPLICATION_ADMINISTRATOR = "application_admin", _("Application Administrator")
    CLOUD_APPLICATION_ADMINISTRATOR = "cloud_application_admin", _("Cloud Application Administrator")


class DirectoryRoleAssignment(models.Model):
    """A directory role given directly to a user in the user's own tenant."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=40, choices=DirectoryRole.choices)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email", "role"]
        verbose_name = _("directory role assignment")
        verbose_name_plural = _("directory role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]
        # A role's members (the Roles page counts them, a role's page lists them): from the role, not every user.
        indexes = [models.Index(fields=["role", "user"], name="role_assignment_role_user")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class ResellerRelationshipManager(models.Manager["ResellerRelationship"]):
    def bulk_create(self, objs: Iterable["ResellerRelationship"], *args: Any, **kwargs: Any) -> list:
        # bulk_create does not call save(): the copies of the customer are taken here (ResellerRelationship).
        objs = list(objs)
        for obj in objs:
            obj.copy_customer()
        return super().bulk_create(objs, *args, **kwargs)


class ResellerRelationship(models.Model):
    """Partner ↔ customer tenant: the row that makes the tenant one of the partner's customers (IS_CUSTOMER).

    Created when a customer's Global admin accepts a relationship request (a reseller relationship: `is_active`), or
    first approves one of the partner's admin relationships (granular delegated admin, GDAP: `granular_admin_since`),
    whichever comes first. A customer through GDAP alone has a row that is not an active reseller relationship: it
    is on the partner's Customers page and its customer pages, but what only resellers may do (subscriptions, Azure
    provisioning, Windows Autopilot) stays closed to the partner."""

    # The rule, in one place: a tenant is a partner's customer while the partner has an active reseller relationship
    # with it, or once the tenant approved an admin relationship of the partner (whatever became of that since: the
    # customer stays on the Customers page, where the partner can ask for a new one, as Partner Center keeps it).
    IS_CUSTOMER: ClassVar[Q] = Q(is_active=True) | Q(granular_admin_since__isnull=False)

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="reseller_relationships")
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="reseller_relationships")
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    # An active reseller relationship.
    is_active = models.BooleanField(default=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # When the customer first approved an admin relationship of the partner (GDAP); None if it never did.
    granular_admin_since = models.DateTimeField(_("granular delegated admin since"), null=True, blank=True)
    # Copies of the customer's name, primary domain and Microsoft ID, so that the partner's Customers page sorts,
    # searches and shows its customers in the partner's own rows. Sorting by the tenants' name index walked past every
    # other partner's customers: a partner with 1,000 customers, in a database of 100,000 tenants, read most of them
    # for a deep page. Never stale: copy_customer fills them whenever a row is made (save and bulk_create), and a
    # tenant's change of either is copied to its rows in the same transaction (signals.keep_tenant_copies).
    customer_name = models.CharField(max_length=200, default="", editable=False)
    customer_domain = models.CharField(max_length=253, default="", editable=False)
    customer_public_id = models.UUIDField(editable=False)

    objects = ResellerRelationshipManager()

    class Meta:
        db_table = "relationships_resellerrelationship"  # created by the invitation app, which it outgrew
        ordering = ["customer_name", "customer_id"]
        verbose_name = _("reseller relationship")
        verbose_name_plural = _("reseller relationships")
        constraints = [models.UniqueConstraint(fields=["partner", "customer"], name="one_reseller_relationship")]
        indexes = [
            models.Index(fields=["partner", "is_active"], name="relationshi_partner_eadff8_idx"),
            # The partner's newest customers (the Activity log's Customer filter offers them), by date: an order by
            # id alone the primary key serves too, and PostgreSQL walked it back past every newer relationship of
            # other partners when the partner had many.
            models.Index(fields=["partner", "created_at", "id"], name="reseller_partner_newest"),
            # The Customers page's orders, within the partner's own rows (the copies above).
            models.Index(fields=["partner", "customer_name", "customer_id"], name="reseller_partner_name"),
            models.Index(fields=["partner", "customer_domain", "customer_id"], name="reseller_partner_domain"),
            # A customer's partners (Settings > Partner relationships): its active relationships counted and gathered
            # from the index alone, and a partner's probed by (customer, partner), its date with it. Without the
            # date, PostgreSQL preferred the partner's own index for the probe: all its customers, for the one.
            models.Index(
                fields=["customer", "partner", "created_at"],
                condition=Q(is_active=True),
                name="reseller_active_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} → {self.customer.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.copy_customer()
        super().save(*args, **kwargs)

    def copy_customer(self) -> None:
        """Take the customer's name, domain and Microsoft ID (the copies the Customers page reads)."""
        customer = self.customer
        self.customer_name = customer.name
        self.customer_domain = customer.primary_domain
        self.customer_public_id = customer.public_id


class DelegatedAdminGrant(models.Model):
    """Delegated admin privileges of a partner in a customer tenant. While active (removed_at is empty) the partner's
    Admin Agents are Global Administrators of the customer, and its Helpdesk Agents Helpdesk Administrators
    (ROLE_OF_GROUP)."""

    # Which partner group implies which directory role in the customer tenant while the grant is active.
    ROLE_OF_GROUP: ClassVar[dict[str, str]] = {
        SecurityGroup.Kind.ADMIN_AGENTS: DirectoryRole.GLOBAL_ADMINISTRATOR,
        SecurityGroup.Kind.HELPDESK_AGENTS: DirectoryRole.HELPDESK_ADMINISTRATOR,
    }

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="delegated_admin_grants")
    customer = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="delegated_admin_grants")
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        db_table = "relationships_delegatedadmingrant"  # created by the invitation app, which it outgrew
        ordering = ["-granted_at"]
        verbose_name = _("delegated admin grant")
        verbose_name_plural = _("delegated admin grants")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "customer"], condition=Q(removed_at__isnull=True), name="one_active_grant"
            )
        ]
        indexes = [
            # A customer's partners with delegated admin (Settings > Partner relationships), as for
            # ResellerRelationship's reseller_active_customer.
            models.Index(
                fields=["customer", "partner", "granted_at"],
                condition=Q(removed_at__isnull=True),
                name="grant_active_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ⇒ {self.customer.name}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class AuditAction(models.TextChoices):
    """What an audit event records, and how people read it (the activity pages, the CSV export, the Django admin).
    A service that records a new kind of change adds it here, with its words; the codes are stored, never change."""

    # The directory.
    TENANT_CREATE = "tenant.create", _("Created the organization")
    PARTNER_CREATE = "partner.create", _("Added a partner")
    USER_CREATE = "user.create", _("Added a user")
    USER_UPDATE = "user.update", _("Edited a user")
    USER_DELETE = "user.delete", _("Deleted a user")
    USER_PASSWORD_RESET = "user.password_reset", _("Reset a user's password")
    ROLE_ASSIGN = "role.assign", _("Assigned a role")
    ROLE_REMOVE = "role.remove", _("Removed a role assignment")
    # Relationships.
    RELATIONSHIP_REQUEST_CREATE = "relationship_request.create", _("Created a reseller relationship request")
    RELATIONSHIP_REQUEST_REISSUE = (
        "relationship_request.reissue",
        _("Renewed the link of a reseller relationship request"),
    )
    RELATIONSHIP_REQUEST_SEND = "relationship_request.send", _("Sent a reseller relationship request")
    RELATIONSHIP_REQUEST_MARK_SENT = (
        "relationship_request.mark_sent",
        _("Marked a reseller relationship request as sent"),
    )
    RELATIONSHIP_REQUEST_DISCARD = "relationship_request.discard", _("Discarded a draft reseller relationship request")
    RELATIONSHIP_REQUEST_REVOKE = "relationship_request.revoke", _("Revoked a reseller relationship request")
    RELATIONSHIP_REQUEST_DECLINE = "relationship_request.decline", _("Declined a reseller relationship request")
    RESELLER_RELATIONSHIP_CREATE = "reseller_relationship.create", _("Accepted a reseller relationship")
    DELEGATED_ADMIN_GRANT = "delegated_admin.grant", _("Granted delegated admin privileges")
    DELEGATED_ADMIN_REMOVE = "delegated_admin.remove", _("Removed delegated admin privileges")
    # The partner's own users.
    PARTNER_USER_CREATE = "partner_user.create", _("Added a partner user")
    PARTNER_USER_UPDATE = "partner_user.update", _("Changed a partner user's roles")
    PARTNER_USER_REMOVE = "partner_user.remove", _("Removed a partner user")
    SECURITY_GROUP_CREATE = "security_group.create", _("Created a security group")
    SECURITY_GROUP_MEMBER_ADD = "security_group.member_add", _("Added a member to a security group")
    SECURITY_GROUP_MEMBER_REMOVE = "security_group.member_remove", _("Removed a member from a security group")
    # Subscriptions and licenses.
    SUBSCRIPTION_CREATE = "subscription.create", _("Added a subscription")
    LICENSE_ASSIGN = "license.assign", _("Assigned a license")
    LICENSE_UNASSIGN = "license.unassign", _("Unassigned a license")
    # Azure.
    AZURE_SUBSCRIPTION_CREATE = "azure_subscription.create", _("Added an Azure subscription")
    AZURE_SUBSCRIPTION_PROVISION = "azure_subscription.provision", _("Provisioned an Azure subscription")
    AZURE_RESOURCE_GROUP_CREATE = "azure_resource_group.create", _("Created a resource group")
    AZURE_RESOURCE_GROUP_DELETE = "azure_resource_group.delete", _("Deleted a resource group")
    AZURE_ROLE_ASSIGNMENT_CREATE = "azure_role_assignment.create", _("Added an Azure role assignment")
    AZURE_ROLE_ASSIGNMENT_REMOVE = "azure_role_assignment.remove", _("Removed an Azure role assignment")
    # Windows Autopilot.
    AUTOPILOT_DEVICE_LIST_UPLOAD = "autopilot.device_list.upload", _("Uploaded a device list")
    AUTOPILOT_DEVICE_LIST_DISCARD = "autopilot.device_list.discard", _("Discarded a device list")
    AUTOPILOT_DEVICES_REGISTER = "autopilot.devices.register", _("Registered devices")
    AUTOPILOT_DEVICES_REMOVE = "autopilot.devices.remove", _("Removed devices")
    AUTOPILOT_PROFILE_CREATE = "autopilot.profile.create", _("Created an Autopilot profile")
    AUTOPILOT_PROFILE_UPDATE = "autopilot.profile.update", _("Edited an Autopilot profile")
    AUTOPILOT_PROFILE_DELETE = "autopilot.profile.delete", _("Deleted an Autopilot profile")
    AUTOPILOT_PROFILE_APPLY = "autopilot.profile.apply", _("Applied an Autopilot profile")
    AUTOPILOT_PROFILE_UNASSIGN = "autopilot.profile.unassign", _("Removed an Autopilot profile from devices")
    # Granular delegated admin (GDAP).
    ADMIN_RELATIONSHIP_CREATE = "admin_relationship.create", _("Created an admin relationship")
    ADMIN_RELATIONSHIP_FINALIZE = "admin_relationship.finalize", _("Finalized an admin relationship request")
    ADMIN_RELATIONSHIP_SEND = "admin_relationship.send", _("Sent an admin relationship request")
    ADMIN_RELATIONSHIP_APPROVE = "admin_relationship.approve", _("Approved partner roles")
    ADMIN_RELATIONSHIP_REJECT = "admin_relationship.reject", _("Rejected partner roles")
    ADMIN_RELATIONSHIP_UPDATE = "admin_relationship.update", _("Changed an admin relationship")
    ADMIN_RELATIONSHIP_TERMINATE = "admin_relationship.terminate", _("Terminated an admin relationship")
    ACCESS_ASSIGNMENT_CREATE = "access_assignment.create", _("Assigned roles to a security group")
    ACCESS_ASSIGNMENT_ACTIVATE = "access_assignment.activate", _("Activated a security group's roles")
    ACCESS_ASSIGNMENT_REMOVE = "access_assignment.remove", _("Removed a security group's roles")
    ACCESS_ASSIGNMENT_UPDATE = "access_assignment.update", _("Changed a security group's roles")
    ADMIN_RELATIONSHIP_DELETE = "admin_relationship.delete", _("Deleted an admin relationship")
    # Partners' apps (Settings > Apps) and their client secrets.
    API_APP_CREATE = "api_app.create", _("Registered an app")
    API_APP_UPDATE = "api_app.update", _("Changed an app's permissions")
    API_APP_REMOVE = "api_app.remove", _("Removed an app")
    API_SECRET_CREATE = "api_secret.create", _("Added a client secret")
    API_SECRET_REVOKE = "api_secret.revoke", _("Revoked a client secret")
    ROLE_TEMPLATE_CREATE = "role_template.create", _("Created a role template")
    ROLE_TEMPLATE_UPDATE = "role_template.update", _("Edited a role template")
    ROLE_TEMPLATE_DELETE = "role_template.delete", _("Deleted a role template")
    ADMIN_RELATIONSHIP_BULK_REQUEST = "admin_relationship.bulk_request", _("Requested admin relationships in bulk")
    # GDAP's lifecycle, enforced by the periodic task (the actor is the system).
    ADMIN_RELATIONSHIP_REQUEST_EXPIRE = (
        "admin_relationship.request_expire",
        _("Admin relationship request expired unapproved"),
    )
    ADMIN_RELATIONSHIP_EXPIRE = "admin_relationship.expire", _("Admin relationship expired")
    ADMIN_RELATIONSHIP_EXTEND = "admin_relationship.extend", _("Admin relationship extended automatically")
    ADMIN_RELATIONSHIP_NOTICE = "admin_relationship.notice", _("Sent notice that an admin relationship is ending")


class AdminRelationship(models.Model):
    """A granular delegated admin (GDAP) relationship: a partner asks a customer for named Microsoft Entra roles for a
    limited time; the customer's Global admin approves or rejects; while it is active and unexpired, the partner's
    security groups with an active access assignment in it hold the assigned roles in the customer's tenant.

    Statuses are Microsoft Graph's (delegatedAdminRelationshipStatus), plus the customer's `rejected`. `ends_at` is
    what decides, at the moment of asking: a relationship past its end gives nothing, whether or not the periodic task
    has marked it expired yet."""

    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        APPROVAL_PENDING = "approvalPending", _("Approval pending")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        TERMINATION_REQUESTED = "terminationRequested", _("Termination requested")
        TERMINATED = "terminated", _("Terminated")
        REJECTED = "rejected", _("Rejected")

    NAME_MAX = 50
    DURATION_MAX_DAYS = 730
    DURATION_DEFAULT_DAYS = 730
    AUTO_EXTEND_DAYS = 180

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="admin_relationships")
    # None until approved when the request went to a customer who is not yet one (from the Customers command bar, or
    # Graph's create without a customer): the approver's tenant becomes the customer.
    customer = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="admin_relationships"
    )
    display_name = models.CharField(_("admin relationship name"), max_length=NAME_MAX)
    # Role values of DirectoryRole (the catalogue), as Graph lists unifiedRoles.
    roles = models.JSONField(_("roles"), default=list)
    duration_days = models.PositiveSmallIntegerField(_("duration in days"), default=DURATION_DEFAULT_DAYS)
    auto_extend_days = models.PositiveSmallIntegerField(_("auto extend"), default=0)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.CREATED)
    # The approval link's token is never stored, only its SHA-256 (as for relationship requests).
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)
    activated_at = models.DateTimeField(_("start date"), null=True, blank=True)
    ends_at = models.DateTimeField(_("end date"), null=True, blank=True)
    approved_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # When it stopped: expired, terminated or rejected (None while it may still give roles, or be approved).
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # The notices of its coming end already sent: for which end date, and the last one's days before it (30, 7, 1;
    # 0 is the notice of expiry). The periodic task claims a notice by a conditional UPDATE of these two, so that a
    # notice goes out once however many workers run it; an extended end date starts the notices again.
    notice_ends_at = models.DateTimeField(_("notices sent for the end date"), null=True, blank=True, editable=False)
    notice_days = models.PositiveSmallIntegerField(_("last notice, days before"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("admin relationship")
        verbose_name_plural = _("admin relationships")
        constraints = [
            models.UniqueConstraint(fields=["partner", "display_name"], name="unique_admin_relationship_name"),
            models.CheckConstraint(
                condition=Q(duration_days__gte=1, duration_days__lte=730), name="admin_relationship_duration"
            ),
            models.CheckConstraint(condition=Q(auto_extend_days__in=[0, 180]), name="admin_relationship_auto_extend"),
        ]
        indexes = [
            models.Index(fields=["partner", "customer", "status"]),
            models.Index(fields=["status", "ends_at"]),
            # The Graph API's pages: a partner's relationships by age, or by status then age (keyset paging seeks in
            # these, so a deep page costs what the first one does).
            models.Index(fields=["partner", "created_at", "public_id"], name="admin_rel_partner_age"),
            models.Index(fields=["partner", "status", "created_at", "public_id"], name="admin_rel_partner_status_age"),
            # Expiring granular relationships: a partner's relationships in end-date order, a page at a time.
            models.Index(fields=["partner", "ends_at"]),
        ]

    def __str__(self) -> str:
        customer = self.customer.name if self.customer else "…"
        return f"{self.display_name} ({self.partner} → {customer})"


class AccessAssignment(models.Model):
    """Within one admin relationship: a partner security group and the roles (a subset of the relationship's) its
    members get in the customer's tenant. Pending until a task activates it, as Graph's accessAssignments are."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        DELETING = "deleting", _("Deleting")
        DELETED = "deleted", _("Deleted")
        ERROR = "error", _("Error")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    relationship = models.ForeignKey(AdminRelationship, on_delete=models.CASCADE, related_name="access_assignments")
    security_group = models.ForeignKey(SecurityGroup, on_delete=models.CASCADE, related_name="access_assignments")
    roles = models.JSONField(_("roles"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    failure = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("access assignment")
        verbose_name_plural = _("access assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "security_group"],
                condition=~Q(status="deleted"),
                name="one_access_assignment_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.security_group.name} in {self.relationship.display_name}"


class AuditEvent(models.Model):
    """Append-only record of a privileged action."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_email = models.EmailField(blank=True)
    actor_tenant = models.ForeignKey(Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    target_tenant = models.ForeignKey(Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=80, choices=AuditAction.choices)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    details = models.JSONField(default=dict, blank=True)
    on_behalf = models.BooleanField(default=False, help_text=_("Done by a partner on the customer's behalf."))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # The activity pages read a tenant's events by time, newest first, page after page by (at, id): with the id
        # in the index the whole order is read from it (without it, PostgreSQL may prefer the index on `at` alone
        # and skip every other tenant's newer events one by one).
        indexes = [
            models.Index(fields=["actor_tenant", "at", "id"], name="audit_actor_tenant_at"),
            models.Index(fields=["target_tenant", "at", "id"], name="audit_target_tenant_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} by {self.actor_email or '-'}"


class OutboxEmail(models.Model):
    """An email that must be sent. The row is written in the same transaction as the change that causes it; the
    task delivers it, and the periodic sweep picks up whatever the task never got to."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    language = models.CharField(max_length=10)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # What the email is about, so the page that caused it can show how it went.
    topic_type = models.CharField(max_length=60, blank=True)
    topic_id = models.CharField(max_length=60, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbox email")
        verbose_name_plural = _("outbox emails")
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.state})"

    @property
    def message_id(self) -> str:
        # Stable across retries, so a receiving server that sees a resend can tell it is the same message.
        return f"<{self.public_id}@partnercenter>"


class LocalMailboxMessage(models.Model):
    """A message delivered to the local mailbox (the embedded default's mailer)."""

    received_at = models.DateTimeField(auto_now_add=True)
    sender = models.CharField(max_length=300)
    to = models.TextField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("local mailbox message")
        verbose_name_plural = _("local mailbox messages")

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class ApiPermission(models.TextChoices):
    """The application permissions an app may hold, named as Microsoft Graph names them."""

    RELATIONSHIP_READ = "DelegatedAdminRelationship.Read.All", _("Read admin relationships")
    RELATIONSHIP_READ_WRITE = "DelegatedAdminRelationship.ReadWrite.All", _("Read and change admin relationships")
    CUSTOMER_READ = "DelegatedAdminCustomer.Read.All", _("Read customers")


class ApiApplication(models.Model):
    """A partner's app registration: a client of the Graph-compatible API, acting for its partner only. Its public ID
    is the client ID; it proves itself with one of its client secrets and gets short-lived bearer tokens. It lives in
    the core because both the partner's Settings pages and the API read it."""

    NAME_MAX = 120

    public_id = models.UUIDField(_("application (client) ID"), default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="api_applications")
    display_name = models.CharField(_("name"), max_length=NAME_MAX)
    # Values of ApiPermission.
    permissions = models.JSONField(_("permissions"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        ordering = ["display_name", "id"]
        verbose_name = _("app registration")
        verbose_name_plural = _("app registrations")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.partner})"

    @property
    def client_id(self) -> str:
        return str(self.public_id)


class ApiClientSecret(models.Model):
    """One client secret of an app: 256 random bits, shown once; only its SHA-256 is kept, with its first characters
    (the hint the Settings page shows, as Microsoft Entra does), its expiry and when it was last used."""

    public_id = models.UUIDField(_("secret ID"), default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(ApiApplication, on_delete=models.CASCADE, related_name="secrets")
    description = models.CharField(_("description"), max_length=100, blank=True)
    hint = models.CharField(max_length=3, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("client secret")
        verbose_name_plural = _("client secrets")

    def __str__(self) -> str:
        return f"{self.hint}… ({self.application.display_name})"


class ApiAccessToken(models.Model):
    """A bearer token issued to an app (only its SHA-256 is kept): valid until it expires, or until its secret is
    revoked or its app removed."""

    application = models.ForeignKey(ApiApplication, on_delete=models.CASCADE, related_name="tokens")
    secret = models.ForeignKey(ApiClientSecret, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")

    def __str__(self) -> str:
        return f"token of {self.application.display_name} until {self.expires_at:%Y-%m-%d %H:%M}"
