"""How PostgreSQL plans the portal's queries: for each execution, except where one plan fits every value.

The settings have every prepared query planned again for its own values (plan_cache_mode=force_custom_plan): a list's
query must suit the partner with ten customers and the one with a hundred thousand. A lookup by keys has one right
plan whatever the keys are, and planning it again on each request can cost ten times its run: the query that starts
every customer page (partner_relationship_for) was planned in about a millisecond and ran in a tenth of one. Within
reused_plan, PostgreSQL chooses for itself (plan_cache_mode=auto): after a few executions, a prepared query keeps the
plan it made for any value."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from psycopg import Error as DriverError


def _prepares() -> bool:
    """Whether the connection prepares the queries it runs often (the settings' prepare_threshold): without prepared
    queries, every execution is planned anyway, and changing the mode would only cost two round trips."""
    options = connection.settings_dict["OPTIONS"]
    return connection.vendor == "postgresql" and options.get("prepare_threshold") is not None


@contextmanager
def reused_plan() -> Iterator[None]:
    """Let PostgreSQL keep one plan for the queries of the block. Only for queries whose right plan does not depend
    on their values: lookups by unique keys, never lists, counts or searches.

    The mode is set and reset on the driver's connection, past Django's cursor: two statements about the session,
    not queries of data, that the query counts of the tests and the benchmarks do not count."""
    if not _prepares():
        yield
        return
    connection.ensure_connection()
    session = connection.connection
    session.execute("SET plan_cache_mode = auto")
    try:
        yield
    finally:
        try:
            session.execute("RESET plan_cache_mode")  # back to the connection's own value (the settings')
        except DriverError:
            # The block failed inside a transaction, which the error aborted: nothing runs until it is rolled back,
            # and rolling it back (to its savepoint too) undoes the SET with it.
            if not connection.in_atomic_block:
                raise
