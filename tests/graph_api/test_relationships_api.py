"""The Graph-compatible API over HTTP: Graph's shapes, status codes, paging, filters, ETags and errors, each change
through the same services and audited as done by the app."""

import pytest
from django.test import Client

from admin_relationships.services import admin_relationship_approve, admin_relationship_reject
from partnercenter.models import AccessAssignment, AdminRelationship, AuditAction, AuditEvent, SecurityGroup
from partnercenter.roles import CATALOGUE

from .helpers import READ_ONLY, bearer

BASE = "/v1.0/tenantRelationships/delegatedAdminRelationships"
HELPDESK = str(CATALOGUE["helpdesk_admin"].template_id)
GLOBAL_ADMIN = str(CATALOGUE["global_admin"].template_id)


@pytest.fixture
def api(world) -> Client:
    return Client(headers={"Authorization": f"Bearer {bearer(world.partner_a, world.a_admin)}"})


def _create(api: Client, world, name: str = "Helpdesk", roles=(HELPDESK,), **extra):
    body = {
        "displayName": name,
        "duration": "P730D",
        "customer": {"tenantId": str(world.customer_x.public_id)},
        "accessDetails": {"unifiedRoles": [{"roleDefinitionId": role} for role in roles]},
        **extra,
    }
    return api.post(BASE, body, content_type="application/json")


def test_create_answers_201_in_graphs_shape_and_is_audited_as_done_by_the_app(api, world):
    response = _create(api, world, autoExtendDuration="P180D")
    assert response.status_code == 201
    body = response.json()
    assert body["@odata.type"] == "#microsoft.graph.delegatedAdminRelationship"
    assert body["status"] == "created"
    assert (body["duration"], body["autoExtendDuration"]) == ("P730D", "P180D")
    assert body["customer"]["tenantId"] == str(world.customer_x.public_id)
    assert body["accessDetails"]["unifiedRoles"] == [{"roleDefinitionId": HELPDESK}]
    assert body["createdDateTime"].endswith("Z") and body["activatedDateTime"] is None
    assert response["Location"].endswith(f"{BASE}/{body['id']}")
    assert response["ETag"] == body["@odata.etag"]
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_RELATIONSHIP_CREATE)
    assert event.actor is None
    assert event.actor_tenant_id == world.partner_a.tenant_id
    assert event.details["app"] == "Automation"


def test_create_refuses_bad_input_with_graphs_error_body_and_writes_nothing(api, world):
    cases = [
        _create(api, world, roles=("not-a-uuid",)),
        _create(api, world, duration="P0D"),
        _create(api, world, duration="two years"),
        _create(api, world, roles=(GLOBAL_ADMIN,), autoExtendDuration="P180D"),
        _create(api, world, customer={"tenantId": str(world.customer_y.public_id)}),  # partner B's customer
        api.post(BASE, "{not json", content_type="application/json"),
        api.post(BASE, [], content_type="application/json"),
    ]
    for response in cases:
        assert response.status_code == 400, response.content
        assert set(response.json()["error"]) >= {"code", "message"}
    assert not AdminRelationship.objects.exists()


def test_lock_for_approval_then_the_customer_approves_then_an_assignment_activates_and_terminate(
    api, world, django_capture_on_commit_callbacks
):
    relationship_id = _create(api, world).json()["id"]
    response = api.post(f"{BASE}/{relationship_id}/requests", {"action": "lockForApproval"}, "application/json")
    assert response.status_code == 201
    assert response.json()["action"] == "lockForApproval"
    assert api.get(f"{BASE}/{relationship_id}").json()["status"] == "approvalPending"
    request_id = response.json()["id"]
    assert api.get(f"{BASE}/{relationship_id}/requests/{request_id}").json()["id"] == request_id

    admin_relationship_approve(relationship=AdminRelationship.objects.get(), approved_by=world.x_ga)
    group = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=SecurityGroup.Kind.HELPDESK_AGENTS)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"{BASE}/{relationship_id}/accessAssignments",
            {
                "accessContainer": {"accessContainerId": str(group.public_id), "accessContainerType": "securityGroup"},
                "accessDetails": {"unifiedRoles": [{"roleDefinitionId": HELPDESK}]},
            },
            "application/json",
        )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assignment_url = response["Location"]
    # The task ran after the commit (in-process in the test settings): active now.
    assignment = api.get(assignment_url).json()
    assert assignment["status"] == "active"
    operations = api.get(f"{BASE}/{relationship_id}/operations").json()["value"]
    assert [op["status"] for op in operations] == ["succeeded"]

    response = api.post(f"{BASE}/{relationship_id}/requests", {"action": "terminate"}, "application/json")
    assert response.status_code == 201
    assert api.get(f"{BASE}/{relationship_id}").json()["status"] == "terminated"
    actions = [r["action"] for r in api.get(f"{BASE}/{relationship_id}/requests").json()["value"]]
    assert actions == ["lockForApproval", "approve", "terminate"]


def test_etags_guard_updates_and_deletes(api, world):
    created = _create(api, world).json()
    url = f"{BASE}/{created['id']}"
    missing = api.patch(url, {"displayName": "Renamed"}, "application/json")
    assert missing.status_code == 400
    response = api.patch(
        url, {"displayName": "Renamed"}, "application/json", headers={"If-Match": created["@odata.etag"]}
    )
    assert response.status_code == 200
    assert response.json()["displayName"] == "Renamed"
    stale = api.delete(url, headers={"If-Match": created["@odata.etag"]})
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "PreconditionFailed"
    assert api.delete(url, headers={"If-Match": response.json()["@odata.etag"]}).status_code == 204
    assert api.get(url).status_code == 404


def test_access_assignment_update_and_delete_need_the_current_etag(api, world):
    relationship_id = _create(api, world, roles=(HELPDESK, GLOBAL_ADMIN)).json()["id"]
    api.post(f"{BASE}/{relationship_id}/requests", {"action": "lockForApproval"}, "application/json")
    admin_relationship_approve(relationship=AdminRelationship.objects.get(), approved_by=world.x_ga)
    group = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=SecurityGroup.Kind.ADMIN_AGENTS)
    created = api.post(
        f"{BASE}/{relationship_id}/accessAssignments",
        {
            "accessContainer": {"accessContainerId": str(group.public_id)},
            "accessDetails": {"unifiedRoles": [{"roleDefinitionId": GLOBAL_ADMIN}]},
        },
        "application/json",
    )
    url = created["Location"]
    current = api.get(url).json()
    roles = {"accessDetails": {"unifiedRoles": [{"roleDefinitionId": HELPDESK}]}}
    assert api.patch(url, roles, "application/json", headers={"If-Match": 'W/"stale"'}).status_code == 412
    updated = api.patch(url, roles, "application/json", headers={"If-Match": current["@odata.etag"]})
    assert updated.status_code == 200
    assert updated.json()["accessDetails"]["unifiedRoles"] == [{"roleDefinitionId": HELPDESK}]
    assert api.delete(url, headers={"If-Match": current["@odata.etag"]}).status_code == 412
    assert api.delete(url, headers={"If-Match": updated.json()["@odata.etag"]}).status_code == 204
    assert AccessAssignment.objects.get().status == AccessAssignment.Status.DELETED
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_ASSIGNMENT_REMOVE, details__app="Automation").exists()


def test_list_pages_with_top_and_next_link_and_filters_and_orders(api, world):
    for n in range(5):
        _create(api, world, name=f"Relationship {n}")
    page = api.get(BASE, {"$top": "2"}).json()
    assert len(page["value"]) == 2
    seen = [item["id"] for item in page["value"]]
    while "@odata.nextLink" in page:
        page = api.get(page["@odata.nextLink"]).json()
        seen += [item["id"] for item in page["value"]]
    assert len(seen) == len(set(seen)) == 5
    filtered = api.get(BASE, {"$filter": "displayName eq 'Relationship 3'"}).json()["value"]
    assert [item["displayName"] for item in filtered] == ["Relationship 3"]
    by_customer = api.get(
        BASE, {"$filter": f"customer/tenantId eq '{world.customer_x.public_id}' and status eq 'created'"}
    )
    assert len(by_customer.json()["value"]) == 5
    assert api.get(BASE, {"$filter": "status eq 'active'"}).json()["value"] == []
    assert api.get(BASE, {"$orderby": "status desc"}).status_code == 200
    for bad in (
        {"$filter": "displayName ne 'x'"},
        {"$orderby": "displayName"},
        {"$top": "0"},
        {"$expand": "x"},
        {"$skiptoken": "!!"},
    ):
        response = api.get(BASE, bad)
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "BadRequest"


def test_another_partners_objects_are_404_and_a_read_only_app_may_not_change(api, world):
    relationship_id = _create(api, world).json()["id"]
    other = Client(headers={"Authorization": f"Bearer {bearer(world.partner_b, world.b_admin)}"})
    assert other.get(f"{BASE}/{relationship_id}").status_code == 404
    assert other.get(BASE).json()["value"] == []
    assert (
        other.post(f"{BASE}/{relationship_id}/requests", {"action": "lockForApproval"}, "application/json").status_code
        == 404
    )
    reader = Client(headers={"Authorization": f"Bearer {bearer(world.partner_a, world.a_admin, READ_ONLY)}"})
    assert reader.get(f"{BASE}/{relationship_id}").status_code == 200
    refused = reader.post(f"{BASE}/{relationship_id}/requests", {"action": "lockForApproval"}, "application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "Authorization_RequestDenied"
    assert AdminRelationship.objects.get().status == "created"


def test_customers_and_their_service_management_details(api, world):
    assert api.get("/v1.0/tenantRelationships/delegatedAdminCustomers").json()["value"] == []
    _create(api, world)
    relationship = AdminRelationship.objects.get()
    api.post(f"{BASE}/{relationship.public_id}/requests", {"action": "lockForApproval"}, "application/json")
    admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    customers = api.get("/v1.0/tenantRelationships/delegatedAdminCustomers").json()["value"]
    assert [c["tenantId"] for c in customers] == [str(world.customer_x.public_id)]
    details = api.get(
        f"/v1.0/tenantRelationships/delegatedAdminCustomers/{world.customer_x.public_id}/serviceManagementDetails"
    ).json()["value"]
    assert details[0]["serviceManagementUrl"].endswith(f"/admin-center/{world.customer_x.public_id}/")
    assert api.get(f"/v1.0/tenantRelationships/delegatedAdminCustomers/{world.customer_y.public_id}").status_code == 404


def test_rate_limit_answers_429_with_retry_after(api, world, settings):
    settings.GRAPH_API_RATE_LIMIT = "3/m"
    statuses = [api.get(BASE).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get(BASE)
    assert response.json()["error"]["code"] == "TooManyRequests"
    assert int(response["Retry-After"]) >= 1


def test_no_token_and_a_session_cookie_are_not_enough(world, client_for):
    assert Client().get(BASE).status_code == 401
    assert client_for("a_admin").get(BASE).status_code == 401


def test_a_change_the_status_does_not_allow_is_a_409_conflict_and_changes_nothing(api, world):
    """As Graph answers a request that conflicts with the object's current state: lockForApproval twice, terminate
    before approval, a change or a delete once finalized."""
    created = _create(api, world).json()
    url = f"{BASE}/{created['id']}"
    assert api.post(f"{url}/requests", {"action": "terminate"}, "application/json").status_code == 409
    assert api.post(f"{url}/requests", {"action": "lockForApproval"}, "application/json").status_code == 201
    again = api.post(f"{url}/requests", {"action": "lockForApproval"}, "application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "Conflict"
    etag = api.get(url).json()["@odata.etag"]
    assert api.patch(url, {"displayName": "Renamed"}, "application/json", headers={"If-Match": etag}).status_code == 409
    assert api.delete(url, headers={"If-Match": etag}).status_code == 409
    relationship = AdminRelationship.objects.get()
    assert (relationship.status, relationship.display_name) == ("approvalPending", "Helpdesk")


def test_refusals_before_any_view_keep_the_apis_error_shape(api, world):
    """A NUL character (refused by the portal's middleware) or an unknown path under /v1.0/: Graph's error body, not
    the portal's HTML page; at the token endpoint, OAuth 2.0's."""
    for response, status in (
        (api.get(BASE, {"$select": "a\x00b"}), 400),
        (api.get("/v1.0/tenantRelationships/unknown"), 404),
    ):
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert set(response.json()["error"]) >= {"code", "message"}
    token = api.post(
        f"/{world.partner_a.tenant.public_id}/oauth2/v2.0/token",
        "grant_type=client_credentials&scope=%00",
        content_type="application/x-www-form-urlencoded",
    )
    assert token.status_code == 400
    assert token.json()["error"] == "invalid_request"


def test_a_turned_down_relationship_reads_as_graphs_unknown_future_value_unless_asked(api, world):
    """`rejected` is the portal's, not one of Graph's statuses: a client reads unknownFutureValue, as Graph sends a
    member added after it, and `rejected` only with Prefer: include-unknown-enum-members."""
    relationship_id = _create(api, world).json()["id"]
    api.post(f"{BASE}/{relationship_id}/requests", {"action": "lockForApproval"}, "application/json")
    admin_relationship_reject(relationship=AdminRelationship.objects.get(), rejected_by=world.x_ga)
    url = f"{BASE}/{relationship_id}"

    plain = api.get(url)
    assert plain.json()["status"] == "unknownFutureValue"
    assert "Preference-Applied" not in plain
    assert [r["status"] for r in api.get(BASE).json()["value"]] == ["unknownFutureValue"]

    prefer = {"Prefer": "odata.maxpagesize=10, include-unknown-enum-members"}
    asked = api.get(url, headers=prefer)
    assert asked.json()["status"] == "rejected"
    assert asked["Preference-Applied"] == "include-unknown-enum-members"
    listed = api.get(BASE, headers=prefer)
    assert [r["status"] for r in listed.json()["value"]] == ["rejected"]
    assert listed["Preference-Applied"] == "include-unknown-enum-members"
    # The customer's reject is a request on the relationship too: Graph's reject action, after unknownFutureValue.
    requests = api.get(f"{url}/requests").json()["value"]
    assert [r["action"] for r in requests] == ["lockForApproval", "unknownFutureValue"]
    asked_requests = api.get(f"{url}/requests", headers=prefer)
    assert [r["action"] for r in asked_requests.json()["value"]] == ["lockForApproval", "reject"]
    assert asked_requests["Preference-Applied"] == "include-unknown-enum-members"
    reject_id = requests[1]["id"]
    assert api.get(f"{url}/requests/{reject_id}").json()["action"] == "unknownFutureValue"
    assert api.get(f"{url}/requests/{reject_id}", headers=prefer).json()["action"] == "reject"
    # Graph's own statuses are the same either way.
    other_id = _create(api, world, name="Another").json()["id"]
    assert api.get(f"{BASE}/{other_id}").json()["status"] == "created"
    assert api.get(f"{BASE}/{other_id}", headers=prefer).json()["status"] == "created"
