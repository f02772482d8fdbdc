"""Benchmark of Customers > Expiring granular relationships against a bare Django page, on PostgreSQL under gunicorn.

It seeds one partner with 10,000 admin relationships (GDAP), one per customer, their end dates spread from over a
year ago to two years ahead (so that every tile counts some: expiring within 30, 7 and 1 days, after 30 days,
expired in the last year, and some outside the page), and one Admin agent. It then measures the page (all of its
relationships, the "within 30 days" tile, a search) beside a bare signed-in 50-row Django page in the same run
(bench/harness.py says how), and the Customers page with as many customers as a yardstick: on a busy machine every
ratio drops, and the Customers page's shows by how much.

    .venv/bin/python bench/expiring_bench.py [--seconds 6] [--rounds 5] [--relationships 10000] [--keep]

The target is each of the page's views at 70% or more of the bare page's requests/s, as for the Customers page (whose
row here has the same target).
"""

import argparse
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Page, arguments, partner_with_customers, run, signed_in_cookie, vacuum_analyze  # noqa: E402  (after the path)

TARGET = 0.70
WORDS = ["Contoso", "Fabrikam", "Litware", "Northwind", "Tailspin", "Woodgrove", "Wingtip", "Proseware", "Adatum"]
# Role sets of the relationships, by the names of DirectoryRole.
ROLES = [
    ["HELPDESK_ADMINISTRATOR", "USER_ADMINISTRATOR"],
    ["GLOBAL_READER"],
    ["GLOBAL_READER", "HELPDESK_ADMINISTRATOR", "LICENSE_ADMINISTRATOR", "USER_ADMINISTRATOR"],
]
SEARCH = "woodgrove"
URL = "/customers/expiring-granular-relationships/"


def parse_args() -> argparse.Namespace:
    parser = arguments(
        argparse.ArgumentParser(description=__doc__.split("\n\n")[0]), db_name="partnercenter_bench_expiring"
    )
    parser.add_argument(
        "--relationships", type=int, default=10_000, help="admin relationships of the partner (default 10000)"
    )
    return parser.parse_args()


def seed(count: int) -> tuple[str, list[Page]]:
    """One partner with `count` customers, an admin relationship with each, and an Admin agent; returns the agent's
    cookie and the pages."""
    from django.db import transaction
    from django.utils import timezone

    from admin_relationships.selectors import expiring_relationships
    from partnercenter.models import AdminRelationship, DirectoryRole

    roles = [sorted(DirectoryRole[name].value for name in group) for group in ROLES]
    now = timezone.now()
    with transaction.atomic():
        partner, agent, tenants = partner_with_customers(
            (f"{WORDS[i % len(WORDS)]} {i:05d}", f"{WORDS[i % len(WORDS)].lower()}{i:05d}.example")
            for i in range(count)
        )
        # End dates from 400 days ago to 700 days ahead, a few hours apart; those past their end are expired (one in
        # ten not yet marked by the periodic task), one in ten of the others was terminated.
        span_hours = 1100 * 24
        relationships = []
        for i, tenant in enumerate(tenants):
            ends_at = now + timedelta(hours=(i * 7919) % span_hours - 400 * 24)
            status = AdminRelationship.Status.ACTIVE
            if ends_at <= now and i % 10:
                status = AdminRelationship.Status.EXPIRED
            elif i % 10 == 5:
                status = AdminRelationship.Status.TERMINATED
            relationships.append(
                AdminRelationship(
                    partner=partner,
                    customer=tenant,
                    display_name=f"{WORDS[i % len(WORDS)]} support {i:05d}",
                    roles=roles[i % len(roles)],
                    duration_days=730,
                    status=status,
                    activated_at=ends_at - timedelta(days=730),
                    ends_at=ends_at,
                    auto_extend_days=180 if i % 4 == 0 else 0,
                    created_by=agent,
                    approved_by=agent,
                )
            )
        AdminRelationship.objects.bulk_create(relationships, batch_size=2000)
    vacuum_analyze()
    cookie = signed_in_cookie(agent)

    def shown(**kwargs) -> str:
        return f"{expiring_relationships(partner, now=timezone.now(), **kwargs).count()} relationships"

    return cookie, [
        Page("Expiring, all", URL, [shown(), "Expiring within 30 days"]),
        Page("Expiring within 30 days (tile)", f"{URL}?expires=30d", [shown(window="30d")]),
        Page(f"Expiring, search '{SEARCH}'", f"{URL}?q={quote(SEARCH)}", [shown(q=SEARCH)]),
        # A yardstick measured in the same run: the page partner agents live on, with as many customers.
        Page("Customers, page 1 (reference)", "/customers/", [f"{count} customers"]),
    ]


def main() -> int:
    args = parse_args()
    return run(
        args,
        seed=lambda: seed(args.relationships),
        data=f"{args.relationships:,} admin relationships",
        target=TARGET,
    )


if __name__ == "__main__":
    sys.exit(main())
