"""Microsoft's own Python SDK (msgraph-sdk) drives the portal's Graph-compatible API against a live server, with a
credential from the portal's token endpoint: create → lockForApproval → the customer approves → access assignment →
active → list with a filter → terminate. Every answer parses into the SDK's models; nothing is mocked."""

import asyncio
import json
import time
import urllib.request
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from azure.core.credentials import AccessToken
from django.db import connection
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_authentication_azure.azure_identity_authentication_provider import AzureIdentityAuthenticationProvider
from msgraph import GraphServiceClient
from msgraph.generated.models.delegated_admin_access_assignment import DelegatedAdminAccessAssignment
from msgraph.generated.models.delegated_admin_access_assignment_status import DelegatedAdminAccessAssignmentStatus
from msgraph.generated.models.delegated_admin_access_container import DelegatedAdminAccessContainer
from msgraph.generated.models.delegated_admin_access_container_type import DelegatedAdminAccessContainerType
from msgraph.generated.models.delegated_admin_access_details import DelegatedAdminAccessDetails
from msgraph.generated.models.delegated_admin_relationship import DelegatedAdminRelationship
from msgraph.generated.models.delegated_admin_relationship_customer_participant import (
    DelegatedAdminRelationshipCustomerParticipant,
)
from msgraph.generated.models.delegated_admin_relationship_request import DelegatedAdminRelationshipRequest
from msgraph.generated.models.delegated_admin_relationship_request_action import (
    DelegatedAdminRelationshipRequestAction,
)
from msgraph.generated.models.delegated_admin_relationship_status import DelegatedAdminRelationshipStatus
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.unified_role import UnifiedRole
from msgraph.generated.tenant_relationships.delegated_admin_relationships.delegated_admin_relationships_request_builder import (  # noqa: E501
    DelegatedAdminRelationshipsRequestBuilder,
)
from msgraph.graph_request_adapter import GraphRequestAdapter

from admin_relationships.services import admin_relationship_approve, admin_relationship_reject
from partnercenter.models import AdminRelationship, AuditEvent, SecurityGroup
from partnercenter.roles import CATALOGUE
from tests.conftest import build_world

from .helpers import app_with_secret

HELPDESK = str(CATALOGUE["helpdesk_admin"].template_id)


class PortalCredential:
    """An azure.core TokenCredential that asks the portal's token endpoint, as ClientSecretCredential asks Microsoft
    Entra's (which insists on an https authority, so it cannot point at a test server)."""

    def __init__(self, token_url: str, client_id: str, client_secret: str):
        self.token_url, self.client_id, self.client_secret = token_url, client_id, client_secret
        self.calls = 0

    def get_token(self, *scopes: str, **kwargs) -> AccessToken:
        self.calls += 1
        body = urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": " ".join(scopes),
            }
        ).encode()
        request = urllib.request.Request(self.token_url, data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(request, timeout=10) as response:
            token = json.load(response)
        return AccessToken(token["access_token"], int(time.time()) + int(token["expires_in"]))


def _client(live_server, credential: PortalCredential) -> GraphServiceClient:
    provider = AzureIdentityAuthenticationProvider(
        credential, scopes=["https://graph.microsoft.com/.default"], allowed_hosts=["localhost"]
    )
    adapter = GraphRequestAdapter(provider)
    adapter.base_url = f"{live_server.url}/v1.0"
    return GraphServiceClient(request_adapter=adapter)


@pytest.mark.django_db(transaction=True)
def test_msgraph_sdk_drives_the_admin_relationship_lifecycle(live_server):
    world = build_world()
    client_id, secret = app_with_secret(world.partner_a, world.a_admin)
    token_url = f"{live_server.url}/{world.partner_a.tenant.public_id}/oauth2/v2.0/token"
    credential = PortalCredential(token_url, client_id, secret)
    graph = _client(live_server, credential)
    relationships = graph.tenant_relationships.delegated_admin_relationships
    group = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=SecurityGroup.Kind.HELPDESK_AGENTS)

    def approve(relationship_id: str, *, reject: bool = False) -> None:
        try:
            relationship = AdminRelationship.objects.get(public_id=relationship_id)
            if reject:
                admin_relationship_reject(relationship=relationship, rejected_by=world.x_ga)
            else:
                admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
        finally:
            connection.close()  # this worker thread's own connection, or the test database can't be dropped

    async def create(name: str, days: int) -> DelegatedAdminRelationship:
        """A relationship for Contoso's helpdesk, posted as a tool would."""
        created = await relationships.post(
            DelegatedAdminRelationship(
                display_name=name,
                duration=timedelta(days=days),
                customer=DelegatedAdminRelationshipCustomerParticipant(tenant_id=str(world.customer_x.public_id)),
                access_details=DelegatedAdminAccessDetails(unified_roles=[UnifiedRole(role_definition_id=HELPDESK)]),
            )
        )
        assert isinstance(created, DelegatedAdminRelationship)
        return created

    async def lifecycle() -> None:
        created = await create("Helpdesk for Contoso", 730)
        assert created.status == DelegatedAdminRelationshipStatus.Created
        assert created.duration == timedelta(days=730)
        assert created.auto_extend_duration == timedelta(0)
        assert created.customer.tenant_id == str(world.customer_x.public_id)
        relationship = relationships.by_delegated_admin_relationship_id(created.id)

        locked = await relationship.requests.post(
            DelegatedAdminRelationshipRequest(action=DelegatedAdminRelationshipRequestAction.LockForApproval)
        )
        assert locked.action == DelegatedAdminRelationshipRequestAction.LockForApproval
        assert (await relationship.get()).status == DelegatedAdminRelationshipStatus.ApprovalPending

        # The customer's Global admin approves (the approval page's service), off the event loop as Django wants.
        await asyncio.to_thread(approve, created.id)
        active = await relationship.get()
        assert active.status == DelegatedAdminRelationshipStatus.Active
        assert active.end_date_time > active.activated_date_time

        assignment = await relationship.access_assignments.post(
            DelegatedAdminAccessAssignment(
                access_container=DelegatedAdminAccessContainer(
                    access_container_id=str(group.public_id),
                    access_container_type=DelegatedAdminAccessContainerType.SecurityGroup,
                ),
                access_details=DelegatedAdminAccessDetails(unified_roles=[UnifiedRole(role_definition_id=HELPDESK)]),
            )
        )
        assert isinstance(assignment, DelegatedAdminAccessAssignment)
        status = assignment.status
        for _ in range(50):  # poll until the activation task has run
            if status == DelegatedAdminAccessAssignmentStatus.Active:
                break
            await asyncio.sleep(0.1)
            status = (
                await relationship.access_assignments.by_delegated_admin_access_assignment_id(assignment.id).get()
            ).status
        assert status == DelegatedAdminAccessAssignmentStatus.Active
        operations = await relationship.operations.get()
        assert len(operations.value) == 1

        query = DelegatedAdminRelationshipsRequestBuilder.DelegatedAdminRelationshipsRequestBuilderGetQueryParameters(
            filter="status eq 'active'", top=10
        )
        listed = await relationships.get(RequestConfiguration(query_parameters=query))
        assert [item.id for item in listed.value] == [created.id]

        customers = await graph.tenant_relationships.delegated_admin_customers.get()
        assert [customer.tenant_id for customer in customers.value] == [str(world.customer_x.public_id)]

        terminated = await relationship.requests.post(
            DelegatedAdminRelationshipRequest(action=DelegatedAdminRelationshipRequestAction.Terminate)
        )
        assert terminated.action == DelegatedAdminRelationshipRequestAction.Terminate
        assert (await relationship.get()).status == DelegatedAdminRelationshipStatus.Terminated

        # A relationship the customer turned down: not one of Graph's statuses, read as Graph's unknownFutureValue.
        declined = await create("Declined by Contoso", 30)
        declined_relationship = relationships.by_delegated_admin_relationship_id(declined.id)
        await declined_relationship.requests.post(
            DelegatedAdminRelationshipRequest(action=DelegatedAdminRelationshipRequestAction.LockForApproval)
        )
        await asyncio.to_thread(approve, declined.id, reject=True)
        assert (await declined_relationship.get()).status == DelegatedAdminRelationshipStatus.UnknownFutureValue
        declined_requests = (await declined_relationship.requests.get()).value
        assert [r.action for r in declined_requests] == [
            DelegatedAdminRelationshipRequestAction.LockForApproval,
            DelegatedAdminRelationshipRequestAction.UnknownFutureValue,
        ]

        with pytest.raises(ODataError) as refused:
            await relationships.by_delegated_admin_relationship_id("00000000-0000-0000-0000-000000000000").get()
        assert refused.value.response_status_code == 404
        assert refused.value.error.code == "ResourceNotFound"

    asyncio.run(lifecycle())
    assert credential.calls >= 1
    apps = set(AuditEvent.objects.filter(details__app_id=client_id).values_list("action", flat=True))
    assert apps >= {
        "admin_relationship.create",
        "admin_relationship.finalize",
        "access_assignment.create",
        "admin_relationship.terminate",
    }
