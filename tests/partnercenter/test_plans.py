"""reused_plan: PostgreSQL keeps one plan for a lookup by keys (partnercenter/plans.py), and the connection goes back
to planning every other query for its own values, whatever happens in the block."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnercenter.access import partner_relationship_for
from partnercenter.plans import reused_plan
from tests.conftest import build_world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's"),
]


def plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def test_the_connection_plans_for_each_value_by_default():
    assert plan_cache_mode() == "force_custom_plan"


def test_a_customer_page_lookup_keeps_one_plan(rf, settings):
    settings.PARTNER_MFA_REQUIRED = False  # not what this test is about
    world = build_world()
    request = rf.get("/")
    request.user, request.session = world.a_admin, {}
    for _ in range(15):  # prepared after a few executions; a kept plan after a few more
        row = partner_relationship_for(request, world.customer_x.public_id, reseller=False)
        assert row.customer == world.customer_x
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%WHERE t.public_id = $%"],
        )
        kept = [generic for (generic,) in cursor.fetchall()]
    assert kept and kept[0] > 0, kept
    assert plan_cache_mode() == "force_custom_plan"


def test_the_mode_is_back_after_an_error_in_python():
    with pytest.raises(ZeroDivisionError), reused_plan():
        assert plan_cache_mode() == "auto"
        _ = 1 / 0
    assert plan_cache_mode() == "force_custom_plan"


def test_the_mode_is_back_after_a_failed_query_in_a_transaction():
    with pytest.raises(DatabaseError), transaction.atomic(), reused_plan(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
    assert plan_cache_mode() == "force_custom_plan"


def test_without_prepared_queries_nothing_changes():
    options = connection.settings_dict["OPTIONS"]
    threshold = options.pop("prepare_threshold")
    try:
        with reused_plan():
            assert plan_cache_mode() == "force_custom_plan"
    finally:
        options["prepare_threshold"] = threshold


def test_the_queries_counted_are_the_blocks_own():
    with CaptureQueriesContext(connection) as queries, reused_plan(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT 1"]


def test_the_users_groups_go_without_parameters(client_for):
    """Every page's shell reads the user's groups and roles: a query PostgreSQL keeps a plan of only when it has no
    parameters, and the user's own keys are no input."""
    sent = []

    def record(execute, sql, parameters, many, context):
        if "UNION ALL SELECT 'role'" in sql:
            sent.append(parameters)
        return execute(sql, parameters, many, context)

    with connection.execute_wrapper(record):
        response = client_for("a_admin").get(reverse("customers:list"))
    assert response.status_code == 200
    assert sent in ([None], [()], [[]])
