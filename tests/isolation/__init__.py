"""The isolation matrix's vocabulary: personas (columns), expected statuses (rows) and routes.

Each area of the product lists its URLs in a module of this package; tests/test_isolation_matrix.py merges them
and fails when a URL of the project has no entry.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import PERSONAS, World

COLUMNS = PERSONAS  # one column per persona, in the order the rows list them


def row(statuses: str, *, a_tier1: int | None = None, x_secreader: int | None = None) -> dict[str, int]:
    """One expected status per column, in three groups that "|" separates for the reader: partners A and B |
    customer X | customer Y and the anonymous visitor.

        a_admin a_sales a_helpdesk b_admin | x_ga x_useradmin x_helpdesk x_reader x_user | y_ga anon

    Two columns are given by name when their answer differs from their neighbour's: partner A's "Tier 1" user (in a
    custom security group only, User Administrator of customer X through GDAP) answers by default as partner A's
    Sales agent, a partner user without the role of most partner pages and without a role in X; customer X's
    Security Reader answers by default as X's plain user, a user of X who is not one of the admin center's four
    first roles."""
    groups = [group.split() for group in statuses.split("|")]
    assert [len(group) for group in groups] == [4, 5, 2], statuses
    values = dict(
        zip(
            [c for c in COLUMNS if c not in ("a_tier1", "x_secreader")],
            [int(s) for group in groups for s in group],
            strict=True,
        )
    )
    values["a_tier1"] = values["a_sales"] if a_tier1 is None else a_tier1
    values["x_secreader"] = values["x_user"] if x_secreader is None else x_secreader
    return {column: values[column] for column in COLUMNS}


# Login-required pages answer anonymous visitors with a redirect to sign in, whatever the method.
SIGNED_IN_ONLY_405 = row("405 405 405 405 | 405 405 405 405 405 | 405 302")
ALL_405 = row("405 405 405 405 | 405 405 405 405 405 | 405 405")
NOT_OFFERED = row("404 404 404 404 | 404 404 404 404 404 | 404 404")


@dataclass
class Route:
    url: Callable[[World], str]
    get: dict[str, int]
    post: dict[str, int]
    delete: dict[str, int] = field(default_factory=lambda: SIGNED_IN_ONLY_405)


def token(w: World) -> str:
    return w.pending.token


def request_id(w: World) -> str:
    return str(w.pending.request.public_id)
