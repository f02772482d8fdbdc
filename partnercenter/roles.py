"""The role catalogue: the built-in Microsoft Entra roles the portal knows, each with its real role template ID (the
ID every Microsoft Entra tenant, Microsoft Graph and GDAP name it by) and what it is for, in a line.

What each role may do in this portal's admin center is the role table in partnercenter/access.py. A role that opens
no page here (Exchange Administrator, say) still exists, can be assigned and is shown; it simply opens nothing."""

from dataclasses import dataclass
from uuid import UUID

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import DirectoryRole

R = DirectoryRole


@dataclass(frozen=True)
class RoleDefinition:
    role: DirectoryRole
    template_id: UUID
    description: str | Promise

    @property
    def name(self) -> str:
        return str(self.role.label)


CATALOGUE: dict[str, RoleDefinition] = {
    definition.role: definition
    for definition in (
        RoleDefinition(
            R.GLOBAL_ADMINISTRATOR,
            UUID("62e90394-69f5-4237-9190-012177145e10"),
            _("Manages every aspect of the organization's directory and the services that use it."),
        ),
        RoleDefinition(
            R.HELPDESK_ADMINISTRATOR,
            UUID("729827e3-9c14-49f7-bb1b-9608f156bbb8"),
            _("Resets the passwords of users who are not administrators."),
        ),
        RoleDefinition(
            R.USER_ADMINISTRATOR,
            UUID("fe930be7-5e62-47db-91af-98c3a49a38b1"),
            _("Manages users and groups, including the passwords of users with limited administrator roles."),
        ),
        RoleDefinition(
            R.GLOBAL_READER,
            UUID("f2ef992c-3afb-46b9-b7cf-a126ee74c451"),
            _("Reads everything a Global Administrator can, and changes nothing."),
        ),
        RoleDefinition(
            R.LICENSE_ADMINISTRATOR,
            UUID("4d6ac14f-3453-41d0-bef9-a3e0c569773a"),
            _("Assigns and removes product licenses of users and groups."),
        ),
        RoleDefinition(
            R.DIRECTORY_READERS,
            UUID("88d8e3e3-8f55-4a1e-953a-9b9898b8876b"),
            _("Reads basic directory information; meant for applications and guests."),
        ),
        RoleDefinition(
            R.DIRECTORY_WRITERS,
            UUID("9360feb5-f418-4baa-8175-e2a00bac4301"),
            _("Reads and writes basic directory information; meant for applications, not people."),
        ),
        RoleDefinition(
            R.PRIVILEGED_ROLE_ADMINISTRATOR,
            UUID("e8611ab8-c189-46e8-94e1-60213ab1f814"),
            _("Manages role assignments, including the Global Administrator role."),
        ),
        RoleDefinition(
            R.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
            UUID("7be44c8a-adaf-4e2a-84d6-ab2649e08a13"),
            _("Sets and resets the authentication methods and passwords of any user, administrators included."),
        ),
        RoleDefinition(
            R.AUTHENTICATION_ADMINISTRATOR,
            UUID("c4e39bd9-1100-46d3-8c65-fb160da0071f"),
            _("Sets and resets the authentication methods and passwords of users who are not administrators."),
        ),
        RoleDefinition(
            R.SERVICE_SUPPORT_ADMINISTRATOR,
            UUID("f023fd81-a637-4b56-95fd-791ac0226033"),
            _("Reads service health and opens and manages support requests with Microsoft."),
        ),
        RoleDefinition(
            R.EXCHANGE_ADMINISTRATOR,
            UUID("29232cdf-9323-42fd-ade2-1d097af3e4de"),
            _("Manages Exchange Online: mailboxes, mail flow and their settings."),
        ),
        RoleDefinition(
            R.SHAREPOINT_ADMINISTRATOR,
            UUID("f28a1f50-f6e7-4571-818b-6a12f2af6b6c"),
            _("Manages SharePoint Online and OneDrive."),
        ),
        RoleDefinition(
            R.TEAMS_ADMINISTRATOR,
            UUID("69091246-20e8-4a56-aa4d-066075b2a7a8"),
            _("Manages Microsoft Teams and its settings."),
        ),
        RoleDefinition(
            R.INTUNE_ADMINISTRATOR,
            UUID("3a2c62db-5318-420d-8d74-23affee5d9d5"),
            _("Manages Microsoft Intune: devices, their enrollment and their policies."),
        ),
        RoleDefinition(
            R.SECURITY_ADMINISTRATOR,
            UUID("194ae4cb-b126-40b2-bd5b-6091b380977d"),
            _("Reads security information and reports, and manages security settings."),
        ),
        RoleDefinition(
            R.SECURITY_READER,
            UUID("5d6b6bb7-de71-4623-b4af-96380a352509"),
            _("Reads security information and reports, and changes nothing."),
        ),
        RoleDefinition(
            R.BILLING_ADMINISTRATOR,
            UUID("b0f54661-2d74-4c50-afa3-1ec803f12efe"),
            _("Makes purchases, manages subscriptions and billing, and reads invoices."),
        ),
        RoleDefinition(
            R.REPORTS_READER,
            UUID("4a5d8f65-41da-4de4-8968-e035b65339cf"),
            _("Reads usage, sign-in and audit reports."),
        ),
        RoleDefinition(
            R.APPLICATION_ADMINISTRATOR,
            UUID("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"),
            _("Manages app registrations and enterprise applications, including the application proxy."),
        ),
        RoleDefinition(
            R.CLOUD_APPLICATION_ADMINISTRATOR,
            UUID("158c047a-c907-4556-b7ef-446551a6b5f7"),
            _("Manages app registrations and enterprise applications, except the application proxy."),
        ),
    )
}
assert set(CATALOGUE) == set(DirectoryRole.values), "every directory role is in the catalogue"


def role_of_template(template_id: UUID) -> DirectoryRole | None:
    """The role a template ID names, or None for a role the portal does not know."""
    for definition in CATALOGUE.values():
        if definition.template_id == template_id:
            return definition.role
    return None
