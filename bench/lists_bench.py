"""Benchmark of every list page, first page and a deep page, at two sizes of its own data, against a bare page.

What it does:

1. creates a dedicated database (partnercenter_lists_bench), migrates it and seeds two worlds side by side, one per
   size (1,000 and 100,000 rows by default, --sizes): in each, a partner with an Admin agent (also its Global admin)
   and a customer with a Global admin, and, for every list, that many rows of the list's own data (customers,
   relationship requests, the customer's users, subscriptions, Azure subscriptions, Autopilot devices, device lists
   and profiles, partners, the partner's users, audit events), written with bulk_create;
2. signs both users of each world in by writing sessions, and counts each page's queries in process (Django's test
   client against the same database, session and navigation included);
3. serves the portal with gunicorn as bench/customers_bench.py does (the same harness, bench/harness.py) and, for
   every list, opens page 1 and follows its Next links to page 200 (or its last page, when the list has fewer), as a
   person would, to get the deep page's address;
4. loads each page with wrk from loopback, the bare 50-row page first in every round, and prints requests/s, p50,
   the share of the bare page's requests/s (the same round's), the queries and the page's size, then, for every list,
   how its throughput at the largest size compares with the smallest (a list that slows with its data shows well
   under 100%);
5. stops gunicorn and drops the database (unless --keep).

    .venv/bin/python bench/lists_bench.py [--sizes 1000,100000] [--seconds 4] [--rounds 1] [--keep]
"""

import argparse
import hashlib
import html
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import create_database, say  # noqa: E402  (after the path is set)
from bench.harness import (  # noqa: E402
    Result,
    check,
    clean_up,
    configure_environment,
    free_port,
    get,
    measure,
    start_gunicorn,
    wait_until_up,
)

DEEP_PAGE = 200
# Lists of a fixed length (the Roles page: every directory role, each with its member count, capped).
NOT_PAGED = {"Roles"}
BATCH = 5000
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


@dataclass
class World:
    size: int
    partner_cookie: str
    customer_cookie: str
    customer_id: str
    pages: list[tuple[str, str, str]] = field(default_factory=list)  # (list, path, who: "partner" or "customer")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,100000", help="rows of each list's data, per world (default 1000,100000)"
    )
    parser.add_argument("--seconds", type=int, default=4, help="duration of each measurement (default 4)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds over every page; medians printed (default 1)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of load before each measurement (default 1)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--only", default="", help="measure only the lists whose name contains one of these (a,b)")
    parser.add_argument("--db-name", default="partnercenter_lists_bench", help="database to create and drop")
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server, no db")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


# --- data ----------------------------------------------------------------------------------------------------------


def signed_in(user) -> str:
    """A session cookie for `user`, with an authenticator as signing in would require."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    TOTP.activate(user, generate_totp_secret())
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def seed(n: int, tag: str) -> World:
    """A partner and a customer, each list with `n` rows of its own data."""
    from django.db import transaction
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from autopilot.models import AutopilotProfile, Device, DeviceBatch, DeviceSource
    from azure_subscriptions.models import AzureSubscription
    from customers.catalogue import Product
    from customers.models import Subscription
    from partnercenter.models import (
        AuditAction,
        AuditEvent,
        DelegatedAdminGrant,
        DirectoryRole,
        DirectoryRoleAssignment,
        Partner,
        ResellerRelationship,
        SecurityGroup,
        Tenant,
        User,
    )
    from partnercenter.services import partner_create, tenant_create, user_create
    from relationships.models import RelationshipRequest

    password = get_random_string(32)
    with transaction.atomic():
        partner = partner_create(name=f"Fabrikam {tag}", primary_domain=f"fabrikam-{tag}.example", partner_id=f"9{tag}")
        agent = user_create(
            tenant=partner.tenant,
            email=f"admin@fabrikam-{tag}.example",
            password=password,
            first_name="Bench",
            last_name="Admin",
            roles=[DirectoryRole.GLOBAL_ADMINISTRATOR],  # User management is for the partner's Global admin
            group_kinds=[SecurityGroup.Kind.ADMIN_AGENTS],
        )
        customer = tenant_create(name=f"Contoso {tag}", primary_domain=f"contoso-{tag}.example")
        ga = user_create(
            tenant=customer,
            email=f"ga@contoso-{tag}.example",
            password=password,
            first_name="Bench",
            last_name="Global admin",
            roles=[DirectoryRole.GLOBAL_ADMINISTRATOR],
        )
        ResellerRelationship.objects.create(partner=partner, customer=customer)
        DelegatedAdminGrant.objects.create(partner=partner, customer=customer, granted_by=ga)

        # Customers: n customers of the partner, three in five with delegated admin.
        tenants = Tenant.objects.bulk_create(
            (Tenant(name=f"Customer {tag} {i:06d}", primary_domain=f"c{i:06d}.{tag}.example") for i in range(n)),
            batch_size=BATCH,
        )
        ResellerRelationship.objects.bulk_create(
            (ResellerRelationship(partner=partner, customer=t) for t in tenants), batch_size=BATCH
        )
        DelegatedAdminGrant.objects.bulk_create(
            (
                DelegatedAdminGrant(partner=partner, customer=t, granted_by=agent)
                for i, t in enumerate(tenants)
                if i % 5 < 3
            ),
            batch_size=BATCH,
        )
        del tenants
        # Relationship requests.
        now = timezone.now()
        RelationshipRequest.objects.bulk_create(
            (
                RelationshipRequest(
                    partner=partner,
                    created_by=agent,
                    token_hash=hashlib.sha256(f"{tag}-{i}".encode()).hexdigest(),
                    expires_at=now + timedelta(days=i % 90 - 30),
                    recipient_email=f"ga{i}@example.com",
                )
                for i in range(n)
            ),
            batch_size=BATCH,
        )
        # The customer's users, every other one a Helpdesk Administrator.
        users = User.objects.bulk_create(
            (
                User(tenant=customer, email=f"u{i:06d}@contoso-{tag}.example", first_name="User", last_name=f"{i:06d}")
                for i in range(n)
            ),
            batch_size=BATCH,
        )
        DirectoryRoleAssignment.objects.bulk_create(
            (DirectoryRoleAssignment(user=u, role=DirectoryRole.HELPDESK_ADMINISTRATOR) for u in users[::2]),
            batch_size=BATCH,
        )
        del users
        # The partner's users.
        User.objects.bulk_create(
            (
                User(
                    tenant=partner.tenant,
                    email=f"a{i:06d}@fabrikam-{tag}.example",
                    first_name="Agent",
                    last_name=f"{i:06d}",
                )
                for i in range(n)
            ),
            batch_size=BATCH,
        )
        # Subscriptions and Azure subscriptions of the customer.
        products = list(Product.values)
        Subscription.objects.bulk_create(
            (
                Subscription(
                    tenant=customer, product=products[i % len(products)], seats=i % 50 + 1, provisioned_by=partner
                )
                for i in range(n)
            ),
            batch_size=BATCH,
        )
        AzureSubscription.objects.bulk_create(
            (
                AzureSubscription(tenant=customer, name=f"Subscription {i:06d}", provisioned_by=partner)
                for i in range(n)
            ),
            batch_size=BATCH,
        )
        # Autopilot: devices (one list, every other one with a profile), device lists and profiles.
        batch = DeviceBatch.objects.create(
            tenant=customer,
            name="Bench list",
            source=DeviceSource.PARTNER,
            partner=partner,
            uploaded_by=agent,
            state=DeviceBatch.State.REGISTERED,
        )
        profiles = AutopilotProfile.objects.bulk_create(
            (AutopilotProfile(tenant=customer, name=f"Profile {i:06d}") for i in range(n)), batch_size=BATCH
        )
        Device.objects.bulk_create(
            (
                Device(
                    tenant=customer,
                    serial_number=f"{tag}-SN{i:07d}",
                    manufacturer=f"Maker {i % 5}",
                    model=f"Model {i % 11}",
                    batch=batch,
                    added_by_source=DeviceSource.PARTNER,
                    added_by_partner=partner,
                    added_by=agent,
                    profile=profiles[i] if i % 2 else None,
                )
                for i in range(n)
            ),
            batch_size=BATCH,
        )
        del profiles
        DeviceBatch.objects.bulk_create(
            (
                DeviceBatch(
                    tenant=customer,
                    name=f"List {i:06d}",
                    source=DeviceSource.PARTNER,
                    partner=partner,
                    uploaded_by=agent,
                    state=DeviceBatch.State.REGISTERED,
                )
                for i in range(n)
            ),
            batch_size=BATCH,
        )
        # Partners of the customer (Settings > Partner relationships).
        partner_tenants = Tenant.objects.bulk_create(
            (Tenant(name=f"Partner {tag} {i:06d}", primary_domain=f"p{i:06d}.{tag}.example") for i in range(n)),
            batch_size=BATCH,
        )
        others = Partner.objects.bulk_create(
            (Partner(tenant=t, partner_id=f"{tag}{i:07d}", tenant_name=t.name) for i, t in enumerate(partner_tenants)),
            batch_size=BATCH,
        )
        ResellerRelationship.objects.bulk_create(
            (ResellerRelationship(partner=p, customer=customer) for p in others), batch_size=BATCH
        )
        del partner_tenants, others
        # Activity: what the partner's agent did for the customer, and what the customer's admin did.
        for actor, actor_tenant, on_behalf in ((agent, partner.tenant, True), (ga, customer, False)):
            AuditEvent.objects.bulk_create(
                (
                    AuditEvent(
                        actor=actor,
                        actor_email=actor.email,
                        actor_tenant=actor_tenant,
                        target_tenant=customer,
                        on_behalf=on_behalf,
                        action=AuditAction.SUBSCRIPTION_CREATE if i % 3 else AuditAction.LICENSE_ASSIGN,
                    )
                    for i in range(n)
                ),
                batch_size=BATCH,
            )

    world = World(n, signed_in(agent), signed_in(ga), str(customer.public_id))
    c = world.customer_id
    world.pages = [
        ("Customers", "/customers/", "partner"),
        ("Relationship requests", "/relationships/requests/", "partner"),
        ("Activity log (partner)", "/settings/activity/", "partner"),
        ("User management", "/settings/users/", "partner"),
        ("Autopilot devices", f"/customers/{c}/devices/", "partner"),
        ("Device lists", f"/customers/{c}/devices/lists/", "partner"),
        ("Autopilot profiles", f"/customers/{c}/devices/profiles/", "partner"),
        ("Admin center Users", f"/admin-center/{c}/users/", "customer"),
        ("Roles", f"/admin-center/{c}/roles/", "customer"),
        ("Role members", f"/admin-center/{c}/roles/helpdesk_admin/", "customer"),
        ("Subscriptions", f"/admin-center/{c}/subscriptions/", "customer"),
        ("Activity (customer)", f"/admin-center/{c}/activity/", "customer"),
        ("Devices (admin center)", f"/admin-center/{c}/devices/", "customer"),
        ("Azure subscriptions", f"/admin-center/{c}/azure/", "customer"),
        ("Partner relationships", f"/admin-center/{c}/settings/partner-relationships/", "customer"),
    ]
    return world


# --- pages ---------------------------------------------------------------------------------------------------------


def resolve_paths(world: World) -> None:
    """Check that the pages' paths are this portal's, from its URL names (so a moved URL fails here, not in wrk)."""
    from django.urls import reverse

    c = world.customer_id
    names = {
        "Customers": reverse("customers:list"),
        "Relationship requests": reverse("relationships:request_list"),
        "Activity log (partner)": reverse("partnersettings:activity"),
        "User management": reverse("partnersettings:users"),
        "Autopilot devices": reverse("customers:devices", args=[c]),
        "Device lists": reverse("customers:device_lists", args=[c]),
        "Autopilot profiles": reverse("customers:profiles", args=[c]),
        "Admin center Users": reverse("admincenter:users", args=[c]),
        "Roles": reverse("admincenter:roles", args=[c]),
        "Role members": reverse("admincenter:role_detail", args=[c, "helpdesk_admin"]),
        "Subscriptions": reverse("admincenter:subscriptions", args=[c]),
        "Activity (customer)": reverse("admincenter:activity", args=[c]),
        "Devices (admin center)": reverse("admincenter:devices", args=[c]),
        "Azure subscriptions": reverse("admincenter:azure_subscriptions", args=[c]),
        "Partner relationships": reverse("admincenter:partner_relationships", args=[c]),
    }
    world.pages = [(label, names[label], who) for label, _path, who in world.pages]


def count_queries(path: str, cookie: str) -> int:
    """The page's queries, in process, signed in with the same session."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    name, value = cookie.split("=", 1)
    client.cookies[name] = value
    client.get(path)  # the first request of a process warms caches; not counted
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code} in process (expected 200)")
    return len(queries)


def deep_page(port: int, path: str, cookie: str) -> tuple[str, int]:
    """Page DEEP_PAGE of the list (or its last page), reached by Next from page 1 as a person would."""
    number, current = 1, path
    while number < DEEP_PAGE:
        status, _location, body = get(port, current, cookie)
        if status != 200:
            raise SystemExit(f"GET {current} answered {status}")
        match = NEXT.search(body)
        if match is None:
            break
        current = path + html.unescape(match.group(1))
        number += 1
    return current, number


@dataclass
class Page:
    world: World
    label: str
    which: str  # "page 1" or "page N"
    path: str
    cookie: str
    queries: int = 0
    size: int = 0


def report(rounds: list[list[tuple[Result, Result]]], pages: list[Page], args) -> None:
    bares = [bare.rps for measured in rounds for _result, bare in measured]
    print()
    print(
        f"Every list at {', '.join(f'{w:,}' for w in sorted({p.world.size for p in pages}))} rows of its own data; "
        f"gunicorn {args.workers} sync workers; wrk -t{args.threads} -c{args.connections} -d{args.seconds}s; "
        f"PostgreSQL; {os.cpu_count()} CPUs; medians of {len(rounds)} round(s); the bare page, measured before each "
        f"list: {min(bares):.0f} to {max(bares):.0f} requests/s (median {statistics.median(bares):.0f})"
    )
    header = f"{'list':<26} {'rows':>8} {'page':>9} {'req/s':>8} {'× bare':>7} {'p50 ms':>8} {'queries':>8} {'KB':>6}"
    print(header)
    print("-" * len(header))
    ratios: dict[tuple[str, str, int], float] = {}
    for i, page in enumerate(pages):
        results = [measured[i][0] for measured in rounds]
        ratio = statistics.median(measured[i][0].rps / measured[i][1].rps for measured in rounds)
        ratios[(page.label, "page" if page.which == "page 1" else "deep", page.world.size)] = ratio
        rps = statistics.median(r.rps for r in results)
        p50 = statistics.median(r.p50_ms for r in results)
        errors = "; ".join(r.errors for r in results if r.errors)
        print(
            f"{page.label:<26} {page.world.size:>8,} {page.which:>9} {rps:>8.1f} {ratio:>7.2f} {p50:>8.2f} "
            f"{page.queries:>8} {page.size / 1024:>6.1f}" + (f"  {errors}" if errors else "")
        )
    sizes = sorted({p.world.size for p in pages})
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print()
        print(f"Each list's ratio to the bare page at {large:,} rows as a share of its ratio at {small:,}")
        print("(100%: flat; page 1, then the deep page):")
        for label in dict.fromkeys(p.label for p in pages):
            shares = []
            for which in ("page", "deep"):
                key_small, key_large = (label, which, small), (label, which, large)
                if key_small in ratios and key_large in ratios:
                    shares.append(f"{ratios[key_large] / ratios[key_small]:.0%}")
            print(f"  {label:<26} {' / '.join(shares)}")


def main() -> int:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    sizes = [int(s) for s in args.sizes.split(",")]
    configure_environment(args, hosts="127.0.0.1,testserver")
    say(f"Creating database {args.db_name}")
    create_database(args.db_url, args.db_name)
    proc = None
    workdir = Path(tempfile.mkdtemp(prefix="partnercenter-lists-bench-"))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections

        say("Migrating")
        call_command("migrate", interactive=False, verbosity=0)
        say("Collecting static files (the manifest that DEBUG-off pages need)")
        call_command("collectstatic", interactive=False, verbosity=0)
        worlds = []
        for n, size in enumerate(sizes):
            started = time.monotonic()
            say(f"Seeding a partner and a customer with {size:,} rows for every list")
            worlds.append(seed(size, f"{n}{size}"))
            say(f"  seeded in {time.monotonic() - started:.0f}s")
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")  # the steady state that autovacuum keeps: statistics and visibility map
        for world in worlds:
            resolve_paths(world)
            if args.only:
                wanted = [w.strip().lower() for w in args.only.split(",") if w.strip()]
                world.pages = [p for p in world.pages if any(w in p[0].lower() for w in wanted)]

        port = free_port()
        say(f"Starting gunicorn on 127.0.0.1:{port} ({args.workers} sync workers)")
        log_path = workdir / "gunicorn.log"
        proc = start_gunicorn(port, args.workers, log_path)
        wait_until_up(proc, port, log_path)

        pages: list[Page] = []
        for world in worlds:
            for label, path, who in world.pages:
                cookie = world.partner_cookie if who == "partner" else world.customer_cookie
                if label in NOT_PAGED:
                    pages.append(Page(world, label, "page 1", path, cookie))
                    continue
                say(f"{label} ({world.size:,} rows): following Next to page {DEEP_PAGE}")
                deep, number = deep_page(port, path, cookie)
                say(f"  reached page {number}")
                if number < 2:
                    raise SystemExit(f"{label}: no Next on page 1 with {world.size:,} rows")
                pages.append(Page(world, label, "page 1", path, cookie))
                pages.append(Page(world, label, f"page {number}", deep, cookie))
        for page in pages:
            paged = page.which == "page 1" and page.label not in NOT_PAGED
            page.size = check(port, page.path, page.cookie, ['rel="next"' if paged else "</table>"])
            page.queries = count_queries(page.path, page.cookie)
        connections.close_all()

        bare_path = "/bench/bare/"
        bare_cookie = worlds[0].partner_cookie
        check(port, bare_path, bare_cookie, ["<table>"])
        # The machine's other work comes and goes: the bare page is measured again before each list's pages, and each
        # page's ratio is to the bare page measured just before it.
        rounds: list[list[tuple[Result, Result]]] = []
        for r in range(1, args.rounds + 1):
            say(f"Round {r}/{args.rounds}: {len(pages)} pages, each list after the bare page, {args.seconds}s each")
            measured, bare, group = [], None, None
            for p in pages:
                if (p.world.size, p.label) != group:
                    group = (p.world.size, p.label)
                    bare = measure(args, port, "bare", bare_path, bare_cookie)
                measured.append((measure(args, port, p.label, p.path, p.cookie), bare))
            rounds.append(measured)
        report(rounds, pages, args)
        return 0
    finally:
        clean_up(args, proc, workdir)


if __name__ == "__main__":
    sys.exit(main())
