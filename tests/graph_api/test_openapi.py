"""The API's OpenAPI document: served and linked from the documentation page, true to the routes (every route and
method the API answers is in it, and nothing else), and schemathesis's fuzzing finds no answer it does not describe."""

import json
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
import schemathesis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from admin_relationships.services import (
    access_assignment_create,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
)
from graph_api.openapi import OPERATIONS, api_routes, document
from graph_api.serializers import REQUEST_ACTIONS, operation_id, request_id
from partnercenter.models import AdminRelationship, AuditEvent, DirectoryRole, SecurityGroup
from partnercenter.roles import CATALOGUE
from tests.conftest import build_world

from .helpers import SCOPE, app_with_secret, bearer

METHODS = ("get", "post", "put", "patch", "delete")


def test_the_document_is_served_and_linked_from_the_documentation_page(client):
    page = client.get(reverse("graphapi:docs"))
    assert f'href="{reverse("graphapi:openapi")}"' in page.content.decode()
    response = client.get(reverse("graphapi:openapi"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["openapi"].startswith("3.")
    assert body["servers"] == [{"url": "http://testserver"}]
    flow = body["components"]["securitySchemes"]["clientCredentials"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "http://testserver/{tenant}/oauth2/v2.0/token"


def test_every_route_of_the_api_is_in_the_document_and_nothing_else():
    routes = api_routes()
    assert set(routes) == set(OPERATIONS)
    assert len(document()["paths"]) == len(routes)


def test_each_route_answers_exactly_the_methods_the_document_gives_it(world):
    """A method the document leaves out answers 405; one it gives is served (never 405). With a valid token, so that
    the answer is about the method, not the credentials."""
    api = Client(headers={"Authorization": f"Bearer {bearer(world.partner_a, world.a_admin)}"})
    paths = document()["paths"]
    for path, item in paths.items():
        url = path.replace("{tenant}", str(world.partner_a.tenant.public_id))
        for name in ("relationship_id", "request_id", "assignment_id", "operation_id", "customer_id"):
            url = url.replace("{" + name + "}", str(uuid.uuid4()))
        for method in METHODS:
            status = api.generic(method.upper(), url, "{}", content_type="application/json").status_code
            if method in item:
                assert status != 405, f"{method.upper()} {path} is documented but answers 405"
            else:
                assert status == 405, f"{method.upper()} {path} answers {status} but is not documented"


def _post_form(url: str, data: dict) -> dict:
    request = urllib.request.Request(url, data=urlencode(data).encode(), method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_answer_the_document_does_not_describe(
    live_server, settings, tmp_path
):
    """Schemathesis (every phase) against the live server, with a token from the token endpoint.
    Derandomized and bounded (a few examples per operation), so the run is repeatable and takes about a minute."""
    settings.GRAPH_API_RATE_LIMIT = "100000/m"  # the fuzzer's calls, not the limit, are under test here
    settings.GRAPH_API_TOKEN_RATE_LIMIT = "100000/m"
    cache.clear()
    world = build_world()
    # Objects for the calls to find: one relationship being drafted, one active with an access assignment.
    drafted = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="Drafted",
        roles=[DirectoryRole.HELPDESK_ADMINISTRATOR],
    )
    active = admin_relationship_approve(
        relationship=admin_relationship_finalize(
            relationship=admin_relationship_create(
                partner=world.partner_a,
                customer=world.customer_x,
                created_by=world.a_admin,
                display_name="Active",
                roles=[DirectoryRole.HELPDESK_ADMINISTRATOR, DirectoryRole.USER_ADMINISTRATOR],
            ),
            finalized_by=world.a_admin,
        ).relationship,
        approved_by=world.x_ga,
    )
    groups = SecurityGroup.objects.filter(tenant=world.partner_a.tenant).order_by("name")
    assignment = access_assignment_create(
        relationship=active,
        security_group=groups.get(kind=SecurityGroup.Kind.HELPDESK_AGENTS),
        roles=[DirectoryRole.HELPDESK_ADMINISTRATOR],
        created_by=world.a_admin,
    )
    requests = AuditEvent.objects.filter(object_id=str(active.public_id), action__in=list(REQUEST_ACTIONS))
    client_id, secret = app_with_secret(world.partner_a, world.a_admin)
    tenant = str(world.partner_a.tenant.public_id)
    token = _post_form(
        f"{live_server.url}/{tenant}/oauth2/v2.0/token",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": SCOPE},
    )["access_token"]

    # The IDs the API would know, offered to the generator beside random ones (OpenAPI links lead it to the objects
    # it creates itself): otherwise nearly every call about one object would end in a 404.
    known = {
        "relationships": [str(drafted.public_id), str(active.public_id)],
        "assignments": [str(assignment.public_id)],
        "requests": [request_id(event) for event in requests],
        "operations": [operation_id(assignment)],
        "customers": [str(world.customer_x.public_id)],
        "groups": [str(group.public_id) for group in groups],
        "roles": [str(CATALOGUE[role].template_id) for role in active.roles],
        "tenants": [tenant, world.partner_a.tenant.primary_domain],
    }
    bindings = {
        "path.relationship_id": "relationships",
        "path.assignment_id": "assignments",
        "path.request_id": "requests",
        "path.operation_id": "operations",
        "path.customer_id": "customers",
        "path.tenant": "tenants",
        "body.customer.tenantId": "customers",
        "body.accessContainer.accessContainerId": "groups",
        "body.accessDetails.unifiedRoles[*].roleDefinitionId": "roles",
    }
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        "[dictionaries]\n"
        + "".join(f"{name} = {{ values = {json.dumps(values)} }}\n" for name, values in known.items())
        + "\n[parameters]\n"
        + "".join(f'"{key}" = {{ dictionary = "{name}", probability = 0.7 }}\n' for key, name in bindings.items())
    )

    started = time.monotonic()
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "st"),
            "--config-file",
            str(config),
            "run",
            f"{live_server.url}{reverse('graphapi:openapi')}",
            "--url",
            live_server.url,
            "--header",
            f"Authorization: Bearer {token}",
            # Every check but positive_data_acceptance, which expects a 2xx for any request the schema allows: the API
            # rightly answers 400 to references no schema can tell apart (a tenant ID that is not one of the
            # partner's customers, a security group of another organization, a $skiptoken it never issued).
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            "10",
            "--generation-deterministic",
            "--workers",
            "1",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # where schemathesis keeps its own files
    )
    elapsed = time.monotonic() - started
    print(f"schemathesis: {elapsed:.0f} s", run.stdout[-3000:], sep="\n")
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]


@pytest.mark.django_db(transaction=True)
def test_every_answer_of_a_partners_session_matches_the_document(live_server, settings):
    """The answers a fuzzer seldom reaches, because they need valid data: a token, each success with its headers,
    and the refusals of a well-formed call (409, 412, 404, 401), each checked against the document by schemathesis."""
    world = build_world()
    cache.clear()
    schema = schemathesis.openapi.from_url(live_server.url + reverse("graphapi:openapi"))
    operations = {
        operation.definition.raw["operationId"]: operation
        for operation in (result.ok() for result in schema.get_all_operations())
    }
    session = requests.Session()
    checked = []

    def call(operation_id: str, method: str, path: str, status: int, **kwargs) -> requests.Response:
        response = session.request(method, live_server.url + path, timeout=10, **kwargs)
        assert response.status_code == status, (operation_id, response.status_code, response.text[:300])
        documented = operations[operation_id].definition.raw["responses"]
        assert str(status) in documented, f"{operation_id} answers {status}, which the document does not list"
        for header in documented[str(status)].get("headers", {}):
            assert header in response.headers, f"{operation_id} {status} without its {header} header"
        operations[operation_id].validate_response(response)  # the body, against the status's schema
        checked.append(operation_id)
        return response

    client_id, secret = app_with_secret(world.partner_a, world.a_admin)
    tenant = world.partner_a.tenant.primary_domain
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": SCOPE}
    token_path = f"/{tenant}/oauth2/v2.0/token"
    call("getToken", "POST", token_path, 401, data={**form, "client_secret": "wrong"})
    token = call("getToken", "POST", token_path, 200, data=form).json()["access_token"]
    session.headers["Authorization"] = f"Bearer {token}"

    base = "/v1.0/tenantRelationships/delegatedAdminRelationships"
    roles = {"unifiedRoles": [{"roleDefinitionId": str(CATALOGUE["helpdesk_admin"].template_id)}]}
    body = {"displayName": "Drafted", "accessDetails": roles, "customer": {"tenantId": str(world.customer_x.public_id)}}
    created = call("createDelegatedAdminRelationship", "POST", base, 201, json=body).json()
    call("createDelegatedAdminRelationship", "POST", base, 201, json={**body, "displayName": "Another"})
    page = call("listDelegatedAdminRelationships", "GET", base, 200, params={"$top": "1"}).json()
    assert page["@odata.nextLink"]
    item = f"{base}/{created['id']}"
    call("getDelegatedAdminRelationship", "GET", item, 200, params={"$select": "displayName"})
    missing = f"{base}/{uuid.uuid4()}"
    call("getDelegatedAdminRelationship", "GET", missing, 404)
    etag = created["@odata.etag"]
    call(
        "updateDelegatedAdminRelationship",
        "PATCH",
        item,
        200,
        json={"displayName": "Renamed"},
        headers={"If-Match": etag},
    )
    call("deleteDelegatedAdminRelationship", "DELETE", item, 412, headers={"If-Match": etag})
    lock = {"action": "lockForApproval"}
    request = call("createDelegatedAdminRelationshipRequest", "POST", f"{item}/requests", 201, json=lock).json()
    call("createDelegatedAdminRelationshipRequest", "POST", f"{item}/requests", 409, json=lock)
    call("listDelegatedAdminRelationshipRequests", "GET", f"{item}/requests", 200)
    call("getDelegatedAdminRelationshipRequest", "GET", f"{item}/requests/{request['id']}", 200)
    locked = call("getDelegatedAdminRelationship", "GET", item, 200)
    call("deleteDelegatedAdminRelationship", "DELETE", item, 409, headers={"If-Match": locked.headers["ETag"]})
    another = call("listDelegatedAdminRelationships", "GET", base, 200, params={"$filter": "displayName eq 'Another'"})
    [drafted] = another.json()["value"]
    call(
        "deleteDelegatedAdminRelationship",
        "DELETE",
        f"{base}/{drafted['id']}",
        204,
        headers={"If-Match": drafted["@odata.etag"]},
    )

    # The customer approves (in the portal); then access assignments and their operations.
    admin_relationship_approve(
        relationship=AdminRelationship.objects.get(public_id=created["id"]), approved_by=world.x_ga
    )
    group = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=SecurityGroup.Kind.HELPDESK_AGENTS)
    container = {"accessContainerId": str(group.public_id), "accessContainerType": "securityGroup"}
    assignments = f"{item}/accessAssignments"
    assigned = call(
        "createDelegatedAdminAccessAssignment",
        "POST",
        assignments,
        201,
        json={"accessContainer": container, "accessDetails": roles},
    )
    call("listDelegatedAdminAccessAssignments", "GET", assignments, 200, params={"$orderby": "status desc"})
    one = assigned.headers["Location"].removeprefix(settings.SITE_URL)
    current = call("getDelegatedAdminAccessAssignment", "GET", one, 200).json()
    call(
        "updateDelegatedAdminAccessAssignment",
        "PATCH",
        one,
        200,
        json={"accessDetails": roles},
        headers={"If-Match": current["@odata.etag"]},
    )
    listed = call("listDelegatedAdminRelationshipOperations", "GET", f"{item}/operations", 200).json()
    call("getDelegatedAdminRelationshipOperation", "GET", f"{item}/operations/{listed['value'][0]['id']}", 200)
    fresh = call("getDelegatedAdminAccessAssignment", "GET", one, 200).json()
    call("deleteDelegatedAdminAccessAssignment", "DELETE", one, 204, headers={"If-Match": fresh["@odata.etag"]})

    customers = "/v1.0/tenantRelationships/delegatedAdminCustomers"
    call("listDelegatedAdminCustomers", "GET", customers, 200)
    customer = f"{customers}/{world.customer_x.public_id}"
    call("getDelegatedAdminCustomer", "GET", customer, 200)
    call("listDelegatedAdminServiceManagementDetails", "GET", f"{customer}/serviceManagementDetails", 200)
    del session.headers["Authorization"]
    call("listDelegatedAdminCustomers", "GET", customers, 401)
    assert set(checked) == set(operations), set(operations) - set(checked)
