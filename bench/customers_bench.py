"""Benchmark of the Customers page against a bare Django page, on PostgreSQL under gunicorn.

What it does:

1. creates a dedicated database (partnercenter_bench), migrates it and seeds one partner with 10,000 customers
   (active reseller relationships, a share of them with delegated admin) and one Admin agent;
2. signs the Admin agent in by writing a session directly, and serves the portal with gunicorn (sync workers) with
   production-like settings (DEBUG off, persistent database connections, collected static files), with
   ROOT_URLCONF=bench.urls so that the same server also answers /bench/bare/, a bare view that renders a 50-row
   table of tenants from the same database through a minimal template;
3. checks that every URL answers 200 signed in (and that the Customers page shows the customers, not a sign-in
   page), then loads each with wrk from loopback, in turn, for --rounds rounds (the machine's other work comes and
   goes: each round measures every page within seconds of the others), and prints each page's median requests/s,
   p50 and p99 beside the bare page's, with the ratio of throughputs (the median of each round's ratio);
4. stops gunicorn and drops the database (unless --keep).

    .venv/bin/python bench/customers_bench.py [--seconds 10] [--rounds 3] [--connections 4] [--keep]

The target is the Customers page (page 1 and a search) at 70% or more of the bare page's requests/s, and a row's
details (fetched when the row is expanded) at 100% or more.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import create_database, drop_database, say  # noqa: E402  (after the path is set)
from bench.harness import (  # noqa: E402
    Result,
    check,
    configure_environment,
    free_port,
    measure,
    median_result,
    start_gunicorn,
    stop_gunicorn,
    wait_until_up,
)

TARGET = 0.70
# A row's details are fetched when the row is expanded: at least as fast as the bare page.
TARGETS = {"details": 1.0}
WORDS = ["Contoso", "Fabrikam", "Litware", "Northwind", "Tailspin", "Woodgrove", "Wingtip", "Proseware", "Adatum"]
REGIONS = ["Holdings", "Retail", "Pharma", "Logistics", "Energy", "Media", "Foods", "Labs", "Bank", "Travel"]
SEARCH = "woodgrove"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="duration of each measurement (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every page; medians printed (default 3)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measurement (default 2)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--customers", type=int, default=10_000, help="customers of the partner (default 10000)")
    parser.add_argument("--db-name", default="partnercenter_bench", help="database to create and drop")
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server, no db")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def seed(customers: int) -> tuple[str, str]:
    """One partner with `customers` customers and an Admin agent; returns (session cookie value, csrf cookie)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from partnercenter.models import DelegatedAdminGrant, ResellerRelationship, SecurityGroup, Tenant
    from partnercenter.services import partner_create, user_create

    with transaction.atomic():
        partner = partner_create(name="Fabrikam Bench", primary_domain="fabrikam-bench.example", partner_id="9000001")
        agent = user_create(
            tenant=partner.tenant,
            email="admin@fabrikam-bench.example",
            password=get_random_string(32),
            first_name="Bench",
            last_name="Admin",
            group_kinds=[SecurityGroup.Kind.ADMIN_AGENTS],
        )
        tenants = Tenant.objects.bulk_create(
            (
                Tenant(
                    name=f"{WORDS[i % len(WORDS)]} {REGIONS[i // len(WORDS) % len(REGIONS)]} {i:05d}",
                    primary_domain=f"{WORDS[i % len(WORDS)].lower()}{i:05d}.example",
                )
                for i in range(customers)
            ),
            batch_size=2000,
        )
        ResellerRelationship.objects.bulk_create(
            (ResellerRelationship(partner=partner, customer=t) for t in tenants), batch_size=2000
        )
        # Delegated admin for three customers in five; one in five more had it and removed it.
        removed = timezone.now()
        DelegatedAdminGrant.objects.bulk_create(
            (
                DelegatedAdminGrant(
                    partner=partner, customer=t, granted_by=agent, removed_at=removed if n % 5 == 3 else None
                )
                for n, t in enumerate(tenants)
                if n % 5 < 4
            ),
            batch_size=2000,
        )
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # the steady state that autovacuum keeps: statistics and visibility map

    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    # Partner users must have two-step verification: give the agent an authenticator, as signing in would require.
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(agent, generate_totp_secret())
    session.create()
    return session.session_key, get_random_string(32)


def first_customer() -> str:
    """The Microsoft ID of the first customer on page 1, whose row the benchmark expands."""
    from partnercenter.models import ResellerRelationship

    first = ResellerRelationship.objects.select_related("customer").order_by("customer__name", "customer_id").first()
    return str(first.customer.public_id)


def report(rounds: list[list[Result]], args: argparse.Namespace) -> None:
    """Each page's medians over the rounds; its throughput ratio is the median of the rounds' ratios, each taken
    against the bare page of the same round."""
    results = [median_result(list(page)) for page in zip(*rounds, strict=True)]
    bare = results[-1]
    ratios = [statistics.median(r[i].rps / r[-1].rps for r in rounds) for i in range(len(results))]
    print()
    print(
        f"{args.customers:,} customers; gunicorn {args.workers} sync workers; "
        f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s; PostgreSQL; {os.cpu_count()} CPUs; "
        f"medians of {len(rounds)} round(s)"
    )
    header = (
        f"{'page':<30} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'req/s vs bare':>14} {'p50 vs bare':>12}"
        f" {'KB':>6}"
    )
    print(header)
    print("-" * len(header))
    for r, ratio in zip(results, ratios, strict=True):
        print(
            f"{r.label:<30} {r.rps:>10.1f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} "
            f"{ratio:>14.0%} {r.p50_ms / bare.p50_ms:>11.2f}x {r.size_kb:>6.1f}"
        )
    for r in results:
        if r.errors:
            print(f"  {r.label}: {r.errors}")
    if len(rounds) > 1:
        print()
        print(
            "each round, req/s vs bare: "
            + "; ".join(
                f"{r.label}: " + " ".join(f"{rnd[i].rps / rnd[-1].rps:.0%}" for rnd in rounds)
                for i, r in enumerate(results[:-1])
            )
        )
    print()
    for r, ratio in zip(results, ratios, strict=True):
        if r is bare:
            continue
        target = next((t for key, t in TARGETS.items() if key in r.label), TARGET)
        verdict = "meets" if ratio >= target else "BELOW"
        print(f"{r.label}: {ratio:.0%} of the bare page's throughput ({verdict} the {target:.0%} target)")


def main() -> int:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    configure_environment(args)
    say(f"Creating database {args.db_name}")
    create_database(args.db_url, args.db_name)
    proc = None
    workdir = Path(tempfile.mkdtemp(prefix="partnercenter-bench-"))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        say("Migrating")
        call_command("migrate", interactive=False, verbosity=0)
        say("Collecting static files (the manifest that DEBUG-off pages need)")
        call_command("collectstatic", interactive=False, verbosity=0)
        say(f"Seeding one partner with {args.customers:,} customers")
        session_key, csrf = seed(args.customers)
        expanded = first_customer()
        connections.close_all()
        cookie = f"sessionid={session_key}; csrftoken={csrf}"

        port = free_port()
        say(f"Starting gunicorn on 127.0.0.1:{port} ({args.workers} sync workers)")
        log_path = workdir / "gunicorn.log"
        proc = start_gunicorn(port, args.workers, log_path)
        wait_until_up(proc, port, log_path)

        matches = sum(SEARCH in WORDS[i % len(WORDS)].lower() for i in range(args.customers))
        pages = [
            ("Customers, page 1", "/customers/", [f"{args.customers} customers", "Reseller, Delegated admin"]),
            (f"Customers, search '{SEARCH}'", f"/customers/?q={quote(SEARCH)}", [f"{matches} customers"]),
            ("A row's details (on expand)", f"/customers/{expanded}/details/", ["Admin center", "Devices"]),
            ("Bare 50-row table", "/bench/bare/", ["<table>", "</table>"]),
        ]
        sizes = [check(port, path, cookie, must) for _label, path, must in pages]
        rounds = []
        for n in range(1, args.rounds + 1):
            results = []
            for (label, path, _must), size in zip(pages, sizes, strict=True):
                say(f"Round {n}/{args.rounds}: loading {path} for {args.seconds}s")
                result = measure(args, port, label, path, cookie)
                result.size_kb = size / 1024
                results.append(result)
            rounds.append(results)
        report(rounds, args)
        return 0
    finally:
        if proc is not None:
            stop_gunicorn(proc)
        shutil.rmtree(workdir, ignore_errors=True)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet
            pass
        if args.keep:
            say(f"Kept database {args.db_name}")
        else:
            drop_database(args.db_url, args.db_name)
            say(f"Dropped database {args.db_name}")


if __name__ == "__main__":
    sys.exit(main())
