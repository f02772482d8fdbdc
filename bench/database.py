"""What the benchmarks share: a throwaway PostgreSQL database of their own, and how they speak."""

from contextlib import closing


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def admin_connection(server_url: str):
    import psycopg

    return psycopg.connect(f"{server_url}/postgres", autocommit=True)


def create_database(server_url: str, name: str) -> None:
    with closing(admin_connection(server_url)) as conn, conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')


def drop_database(server_url: str, name: str) -> None:
    with closing(admin_connection(server_url)) as conn, conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
