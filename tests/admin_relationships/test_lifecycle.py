"""The lifecycle of admin relationships (GDAP), run by a periodic task: unapproved requests expire after 90 days;
at its end date an active relationship is extended by 180 days (auto-extend, never with Global Administrator) or
expires, its access assignments ending with it; both sides get notices 30, 7 and 1 days before the end and on
expiry, each once. Roles end at the end date whether or not the task has run."""

import io
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from admin_relationships.services import (
    APPROVAL_WINDOW_DAYS,
    access_assignment_create,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_end,
    admin_relationship_finalize,
    admin_relationship_notice_send,
    admin_relationships_lifecycle,
)
from admin_relationships.tasks import admin_relationships_lifecycle_run
from partnercenter.access import effective_roles
from partnercenter.celery import app
from partnercenter.models import (
    AccessAssignment,
    AdminRelationship,
    AuditAction,
    AuditEvent,
    DirectoryRole,
    OutboxEmail,
    SecurityGroup,
)

from ..factories import UserFactory, mfa_enable

R = DirectoryRole
Status = AdminRelationship.Status


def _create(world, **overrides) -> AdminRelationship:
    data = {
        "partner": world.partner_a,
        "customer": world.customer_x,
        "created_by": world.a_admin,
        "display_name": "Contoso helpdesk",
        "roles": [R.USER_ADMINISTRATOR, R.HELPDESK_ADMINISTRATOR],
        "duration_days": 180,
    }
    return admin_relationship_create(**{**data, **overrides})


def _active(world, *, ends_in: timedelta | None = None, **overrides) -> AdminRelationship:
    relationship = _create(world, **overrides)
    admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin)
    relationship = admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    if ends_in is not None:
        _ends_in(relationship, ends_in)
    OutboxEmail.objects.all().delete()  # the approval's emails: each test counts its own
    return relationship


def _ends_in(relationship: AdminRelationship, delta: timedelta) -> None:
    """As if time had passed: the relationship (started as long before as it lasts) ends in `delta`."""
    relationship.ends_at = timezone.now() + delta
    relationship.activated_at = relationship.ends_at - timedelta(days=relationship.duration_days)
    AdminRelationship.objects.filter(pk=relationship.pk).update(
        ends_at=relationship.ends_at, activated_at=relationship.activated_at
    )


@pytest.fixture
def tier1(world):
    """Partner A's own security group "Tier 1", whose one member is in no built-in group."""
    group = SecurityGroup.objects.create(tenant=world.partner_a.tenant, name="Tier 1", kind=SecurityGroup.Kind.CUSTOM)
    member = UserFactory(tenant=world.partner_a.tenant, email="tier1@fabrikam.test")
    mfa_enable(member)
    group.members.add(member)
    return group, member


def _assign(world, relationship, group, django_capture_on_commit_callbacks) -> AccessAssignment:
    with django_capture_on_commit_callbacks(execute=True):
        assignment = access_assignment_create(
            relationship=relationship, security_group=group, roles=[R.USER_ADMINISTRATOR], created_by=world.a_admin
        )
    assignment.refresh_from_db()
    assert assignment.status == AccessAssignment.Status.ACTIVE
    return assignment


def _emails(template_subject: str) -> dict[str, OutboxEmail]:
    return {email.to: email for email in OutboxEmail.objects.filter(subject__contains=template_subject)}


def _events(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# Unapproved requests.


@pytest.mark.django_db
def test_requests_not_approved_within_90_days_expire_once(world):
    drafted = _create(world, display_name="Old draft")
    pending = _create(world, display_name="Old request")
    admin_relationship_finalize(relationship=pending, finalized_by=world.a_admin)
    recent = _create(world, display_name="Recent request")
    admin_relationship_finalize(relationship=recent, finalized_by=world.a_admin)
    old = timezone.now() - timedelta(days=APPROVAL_WINDOW_DAYS, minutes=1)
    AdminRelationship.objects.filter(pk__in=[drafted.pk, pending.pk]).update(created_at=old)

    first = admin_relationships_lifecycle()
    second = admin_relationships_lifecycle()

    assert (first.requests_expired, second.requests_expired) == (2, 0)
    for relationship in (drafted, pending):
        relationship.refresh_from_db()
        assert relationship.status == Status.EXPIRED and relationship.token_hash is None
        assert relationship.ended_at is not None
    recent.refresh_from_db()
    assert recent.status == Status.APPROVAL_PENDING and recent.token_hash
    events = _events(AuditAction.ADMIN_RELATIONSHIP_REQUEST_EXPIRE)
    assert len(events) == 2
    assert all(e.actor is None and e.actor_tenant == world.partner_a.tenant for e in events)
    assert all(e.target_tenant == world.customer_x and not e.on_behalf for e in events)


# The end date.


@pytest.mark.django_db
def test_roles_end_at_the_end_date_before_the_task_runs(world, tier1, django_capture_on_commit_callbacks):
    group, member = tier1
    relationship = _active(world)
    _assign(world, relationship, group, django_capture_on_commit_callbacks)
    assert effective_roles(member, world.customer_x) == {R.USER_ADMINISTRATOR}

    _ends_in(relationship, -timedelta(seconds=1))
    member = type(member).objects.get(pk=member.pk)  # a new request: no cached roles

    assert effective_roles(member, world.customer_x) == frozenset()
    relationship.refresh_from_db()
    assert relationship.status == Status.ACTIVE  # nothing has run: the end date alone decided


@pytest.mark.django_db
def test_a_relationship_past_its_end_expires_with_its_assignments(world, tier1, django_capture_on_commit_callbacks):
    group, member = tier1
    relationship = _active(world)
    assignment = _assign(world, relationship, group, django_capture_on_commit_callbacks)
    _ends_in(relationship, -timedelta(minutes=5))

    run = admin_relationships_lifecycle()
    again = admin_relationships_lifecycle()

    assert (run.expired, again.expired) == (1, 0)
    relationship.refresh_from_db()
    assignment.refresh_from_db()
    assert relationship.status == Status.EXPIRED and relationship.ended_at == relationship.ends_at
    assert assignment.status == AccessAssignment.Status.DELETED
    (event,) = _events(AuditAction.ADMIN_RELATIONSHIP_EXPIRE)
    assert event.actor is None and event.target_tenant == world.customer_x
    assert event.actor_tenant == world.partner_a.tenant and event.details["partner"] == "Fabrikam"
    # Both sides are told once: the partner's Admin agents (the access it lost) and the customer's Global admins.
    emails = _emails("has expired")
    assert set(emails) == {world.a_admin.email, world.x_ga.email}
    for email in emails.values():
        assert email.subject == "The admin relationship Contoso helpdesk has expired"
        for text in (email.body_text, email.body_html):
            assert "Contoso helpdesk" in text and "Fabrikam" in text and "Contoso" in text
            assert "User Administrator" in text and "Helpdesk Administrator" in text and "expired on" in text
    assert "request a new admin relationship" in emails[world.a_admin.email].body_text
    assert "request a new admin relationship" not in emails[world.x_ga.email].body_text
    assert f"/customers/{world.customer_x.public_id}/admin-relationships/" in emails[world.a_admin.email].body_text
    assert "/settings/partner-relationships/" in emails[world.x_ga.email].body_text


@pytest.mark.django_db
def test_auto_extend_moves_the_end_by_180_days_once(world, tier1, django_capture_on_commit_callbacks):
    group, member = tier1
    relationship = _active(world, auto_extend=True)
    _assign(world, relationship, group, django_capture_on_commit_callbacks)
    _ends_in(relationship, -timedelta(minutes=1))
    old_end = relationship.ends_at

    run = admin_relationships_lifecycle()
    again = admin_relationships_lifecycle()

    assert (run.extended, run.expired, again.extended) == (1, 0, 0)
    relationship.refresh_from_db()
    assert relationship.status == Status.ACTIVE and relationship.ends_at == old_end + timedelta(days=180)
    assert effective_roles(type(member).objects.get(pk=member.pk), world.customer_x) == {R.USER_ADMINISTRATOR}
    (event,) = _events(AuditAction.ADMIN_RELATIONSHIP_EXTEND)
    assert event.details["previous_ends_at"] == old_end.isoformat()
    assert event.details["ends_at"] == relationship.ends_at.isoformat()
    assert not _emails("has expired")


@pytest.mark.django_db
def test_auto_extend_happens_before_the_end_so_roles_never_lapse(world):
    relationship = _active(world, auto_extend=True, ends_in=timedelta(minutes=30))
    old_end = relationship.ends_at

    assert admin_relationships_lifecycle().extended == 1

    relationship.refresh_from_db()
    assert relationship.ends_at == old_end + timedelta(days=180)


@pytest.mark.django_db
def test_a_relationship_not_yet_at_its_end_is_left_alone(world):
    relationship = _active(world, ends_in=timedelta(minutes=30))

    run = admin_relationships_lifecycle()

    assert (run.extended, run.expired) == (0, 0)
    relationship.refresh_from_db()
    assert relationship.status == Status.ACTIVE


@pytest.mark.django_db
def test_global_administrator_is_never_extended_automatically(world):
    relationship = _active(world, roles=[R.GLOBAL_ADMINISTRATOR])
    # Written around the service (which refuses it): the task must refuse it too.
    AdminRelationship.objects.filter(pk=relationship.pk).update(auto_extend_days=180)
    _ends_in(relationship, -timedelta(minutes=1))

    run = admin_relationships_lifecycle()

    assert (run.extended, run.expired) == (0, 1)
    relationship.refresh_from_db()
    assert relationship.status == Status.EXPIRED


# Notices.


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ends_in", "days"), [(timedelta(days=29), 30), (timedelta(days=6), 7), (timedelta(hours=20), 1)]
)
def test_both_sides_get_a_notice_before_the_end_once(world, ends_in, days):
    relationship = _active(world, ends_in=ends_in)

    run = admin_relationships_lifecycle()
    again = admin_relationships_lifecycle()

    assert (run.notices, again.notices) == (1, 0)
    emails = _emails("ends in")
    assert set(emails) == {world.a_admin.email, world.x_ga.email}
    unit = "day" if days == 1 else "days"
    for email in emails.values():
        assert email.subject == f"The admin relationship Contoso helpdesk ends in {days} {unit}"
        for text in (email.body_text, email.body_html):
            assert "between Fabrikam and Contoso ends on" in text
            assert "User Administrator" in text and "Helpdesk Administrator" in text
    (event,) = _events(AuditAction.ADMIN_RELATIONSHIP_NOTICE)
    assert event.details["days"] == days and event.details["recipients"] == 2
    relationship.refresh_from_db()
    assert (relationship.notice_ends_at, relationship.notice_days) == (relationship.ends_at, days)


@pytest.mark.django_db
def test_each_notice_goes_once_as_the_end_comes_nearer(world):
    relationship = _active(world, ends_in=timedelta(days=29, hours=12))
    now = timezone.now()
    # The same end date, as the days pass (the task runs every few minutes; a few of those runs).
    for days_later, notices in ((0, 1), (0, 0), (4, 0), (23, 1), (23, 0), (28, 0), (29, 1), (29, 0)):
        assert admin_relationships_lifecycle(now=now + timedelta(days=days_later)).notices == notices, days_later
    assert [e.details["days"] for e in _events(AuditAction.ADMIN_RELATIONSHIP_NOTICE)] == [1, 7, 30]
    relationship.refresh_from_db()
    assert relationship.notice_days == 1


@pytest.mark.django_db
def test_an_extended_relationship_gets_its_notices_again_for_its_new_end(world):
    relationship = _active(world, auto_extend=True, ends_in=timedelta(hours=20))
    assert admin_relationships_lifecycle().notices == 1
    body = _emails("ends in 1 day")[world.a_admin.email].body_text
    assert "It is set to auto extend: on its end date it will be extended by 180 days." in body

    _ends_in(relationship, timedelta(minutes=-1))
    run = admin_relationships_lifecycle()
    assert (run.extended, run.notices) == (1, 0)  # 180 days away: no notice yet

    relationship.refresh_from_db()
    _ends_in(relationship, timedelta(days=6))  # as if five months had passed
    assert admin_relationships_lifecycle().notices == 1
    assert sorted(e.details["days"] for e in _events(AuditAction.ADMIN_RELATIONSHIP_NOTICE)) == [1, 7]


@pytest.mark.django_db
def test_a_short_relationship_gets_only_the_notices_shorter_than_it(world):
    relationship = _active(world, duration_days=5)
    assert admin_relationships_lifecycle().notices == 0  # 5 days: its approval said when it ends
    _ends_in(relationship, timedelta(hours=12))
    assert admin_relationships_lifecycle().notices == 1
    assert _events(AuditAction.ADMIN_RELATIONSHIP_NOTICE)[0].details["days"] == 1


@pytest.mark.django_db
def test_no_notices_for_relationships_that_have_ended_or_never_began(world):
    ended = _active(world, ends_in=timedelta(days=6))
    AdminRelationship.objects.filter(pk=ended.pk).update(status=Status.TERMINATED)
    _create(world, display_name="A draft")
    assert admin_relationships_lifecycle().notices == 0
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
def test_notices_are_in_each_recipient_s_language(world):
    world.x_ga.preferred_language = "zh-hant"
    world.x_ga.save(update_fields=["preferred_language"])
    _active(world, ends_in=timedelta(days=6))

    admin_relationships_lifecycle()

    english = OutboxEmail.objects.get(to=world.a_admin.email)
    chinese = OutboxEmail.objects.get(to=world.x_ga.email)
    assert english.language == "en" and "ends in 7 days" in english.subject
    assert chinese.language == "zh-hant" and "7 天" in chinese.subject and "Contoso helpdesk" in chinese.subject
    assert "使用者管理員" in chinese.body_text and "將於" in chinese.body_text and "Fabrikam" in chinese.body_html


# Two workers at once: the database lets only one send each notice and end each relationship.


def _in_threads(count: int, target) -> list:
    """Run `target` in `count` threads at once, each with its own database connection; their results."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = target(index)
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_a_notice_once(world):
    """One worker has claimed the notice and not committed yet; the second waits for its row lock, then finds the
    notice taken, and sends nothing."""
    relationship = _active(world, ends_in=timedelta(days=6))
    second: list = []
    now = timezone.now()
    with transaction.atomic():
        assert admin_relationship_notice_send(relationship_id=relationship.pk, now=now) == 7
        thread = threading.Thread(
            target=lambda: (
                second.append(admin_relationship_notice_send(relationship_id=relationship.pk, now=now)),
                connection.close(),
            )
        )
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), "the second worker must wait for the first one's claim"
    thread.join(timeout=30)
    assert second == [None]
    assert OutboxEmail.objects.count() == 2 and len(_events(AuditAction.ADMIN_RELATIONSHIP_NOTICE)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_end_a_relationship_once(world):
    """One worker is ending the relationship and has not committed yet; the second skips the row it holds (no
    waiting, no second expiry, no second emails), and a run after the commit finds nothing to do."""
    relationship = _active(world, ends_in=-timedelta(minutes=1))
    second: list = []
    now = timezone.now()
    with transaction.atomic():
        assert admin_relationship_end(relationship_id=relationship.pk, now=now) == "expired"
        thread = threading.Thread(
            target=lambda: (
                second.append(admin_relationship_end(relationship_id=relationship.pk, now=now)),
                connection.close(),
            )
        )
        thread.start()
        thread.join(timeout=30)
        assert second == [None]
    assert admin_relationship_end(relationship_id=relationship.pk, now=now) is None
    assert len(_events(AuditAction.ADMIN_RELATIONSHIP_EXPIRE)) == 1 and OutboxEmail.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_workers_running_the_lifecycle_at_once_do_each_step_once(world):
    noticed = [_active(world, display_name=f"Noticed {n}", ends_in=timedelta(days=6)) for n in range(5)]
    ending = [_active(world, display_name=f"Ending {n}", ends_in=-timedelta(minutes=1)) for n in range(5)]
    extending = [
        _active(world, display_name=f"Extending {n}", auto_extend=True, ends_in=-timedelta(minutes=1)) for n in range(5)
    ]

    runs = _in_threads(4, lambda index: admin_relationships_lifecycle())

    assert sum(run.notices for run in runs) == len(noticed)
    assert sum(run.expired for run in runs) == len(ending)
    assert sum(run.extended for run in runs) == len(extending)
    assert len(_events(AuditAction.ADMIN_RELATIONSHIP_NOTICE)) == len(noticed)
    assert len(_events(AuditAction.ADMIN_RELATIONSHIP_EXPIRE)) == len(ending)
    assert len(_events(AuditAction.ADMIN_RELATIONSHIP_EXTEND)) == len(extending)
    # Two emails (a partner's Admin agent, a customer's Global admin) per notice and per expiry, no more.
    assert OutboxEmail.objects.count() == 2 * (len(noticed) + len(ending))
    for relationship in extending:
        old_end = relationship.ends_at
        relationship.refresh_from_db()
        assert relationship.ends_at == old_end + timedelta(days=180)


# The schedule.


def test_the_beat_schedule_runs_the_lifecycle_task():
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if "lifecycle" in entry["task"]]
    assert [entry["task"] for entry in entries] == ["admin_relationships.tasks.admin_relationships_lifecycle_run"]
    assert entries[0]["task"] == admin_relationships_lifecycle_run.name
    app.loader.import_default_modules()  # what a worker does at start: the task is found where beat names it
    assert entries[0]["task"] in app.tasks
    assert entries[0]["schedule"] <= 3600 / 2  # well within EXTEND_AHEAD: an extension is never late


@pytest.mark.django_db
def test_the_task_reports_what_it_did(world):
    _active(world, ends_in=-timedelta(minutes=1))
    assert admin_relationships_lifecycle_run.delay().get() == {
        "requests_expired": 0,
        "extended": 0,
        "expired": 1,
        "notices": 0,
    }


@pytest.mark.django_db
def test_the_command_runs_the_lifecycle_where_there_is_no_beat(world):
    relationship = _active(world, ends_in=-timedelta(minutes=1))
    out = io.StringIO()
    call_command("admin_relationships_lifecycle", stdout=out)
    assert out.getvalue().strip() == "0 request(s) expired, 1 relationship(s) expired, 0 extended, 0 notice(s) sent."
    relationship.refresh_from_db()
    assert relationship.status == Status.EXPIRED


@pytest.mark.django_db
def test_staff_see_which_notice_went_out_last(world, staff_client):
    relationship = _active(world, ends_in=timedelta(days=6))
    admin_relationships_lifecycle()
    page = staff_client.get(reverse("admin:partnercenter_adminrelationship_change", args=[relationship.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Last notice, days before" in body and '<div class="readonly">7</div>' in body
