"""The isolation matrix's vocabulary: personas (columns), expected statuses (rows) and routes.

Each area of the product lists its URLs in a module of this package; tests/test_isolation_matrix.py merges them
and fails when a URL of the project has no entry.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import PERSONAS, World

COLUMNS = PERSONAS  # one column per persona, in the order the rows list them


def row(statuses: str) -> dict[str, int]:
    """One expected status per column, in COLUMNS' order, in three groups that "|" separates for the reader:
    partners A and B | customer X | customer Y and the anonymous visitor.

        a_admin a_sales a_helpdesk b_admin | x_ga x_useradmin x_helpdesk x_reader x_user | y_ga anon
    """
    groups = [group.split() for group in statuses.split("|")]
    assert [len(group) for group in groups] == [4, 5, 2], statuses
    values = [int(s) for group in groups for s in group]
    assert len(values) == len(COLUMNS), statuses
    return dict(zip(COLUMNS, values, strict=True))


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
