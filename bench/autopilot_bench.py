"""Benchmark of Windows Autopilot's bulk paths on PostgreSQL: a 10,000-row device file uploaded, checked and
registered, then a profile applied to all 10,000 devices.

What it does:

1. creates a dedicated database (partnercenter_autopilot_bench), migrates it and seeds a partner, its Admin agent, a
   customer (reseller relationship with delegated admin), and devices already registered to another organization (so
   that the lookups search a table that is not empty);
2. builds a device file of N rows with hardware hashes the size of real ones (4,000 base64 characters), serial
   numbers, manufacturers and models;
3. end to end through Django's request handling, as an Admin agent (the embedded default: the worker's task runs in
   process after the upload's transaction commits): POST the file to Add devices, then POST "Apply profile" for the
   whole device list; prints the time, the SQL queries and the peak Python memory (tracemalloc, in a second run:
   tracing slows Python down, so it is not timed) of each step and in all;
4. does it for 1,000 rows too, to show that the number of queries does not grow with the rows, but for the INSERTs
   of the devices: one per 1,000 devices (services.INSERT_CHUNK), so that no statement holds a whole file;
5. drops the database (unless --keep);
6. uploads files of just under the 100 MB limit as the upload request does (services.device_batch_upload reading a
   file on disk a chunk at a time, keeping its text, in a transaction rolled back afterwards): blank lines, rows of
   empty cells, real rows, and the largest file of real rows accepted; each in its own process, printing its time
   and the process's peak memory (resident), beside a reference measured in the same run: the same file read whole
   into memory and parsed, as the request used to hold it;
7. the worker's side of the largest file accepted (20,000 rows of real hardware hashes, 77 MB): uploaded and queued
   as the request does (to a broker that nobody reads), then the worker's task function run on it in a process of
   its own, which checks the rows and registers the 20,000 devices: its time and peak resident memory.

    .venv/bin/python bench/autopilot_bench.py [--rows 10000] [--keep] [--large-files-only]

The aims: under 5 seconds end to end for 10,000 rows, and the same number of queries for 1,000 and 10,000 but for one
INSERT per 1,000 devices; each large file answered within 5 seconds by a process that peaks under 300 MB; the worker
under 300 MB for the largest file. It exits 0 when every aim is met.
"""

import argparse
import base64
import hashlib
import os
import sys
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import create_database, drop_database, say  # noqa: E402  (after the path is set)

TARGET_SECONDS = 5.0
HASH_CHARS = 4000


LARGE_FILES = ("blank lines", "empty rows", "real rows", "largest accepted")
LARGE_FILE_TARGET_SECONDS = 5.0
LARGE_FILE_TARGET_MB = 300
WORKER_TARGET_MB = 300


def large_file(kind: str, path: Path) -> None:
    """Writes the file in pieces, so that building it does not add to the peak the figure is about."""
    from autopilot.csv_import import MAX_BYTES, MAX_ROWS, PARTNER_CENTER_HEADER

    size = MAX_BYTES - 1024  # just under the limit the form lets through
    with path.open("wb") as out:
        written = out.write((PARTNER_CENTER_HEADER + "\r\n").encode())
        line = {"blank lines": b"\r\n", "empty rows": b",,,,\r\n"}.get(kind)
        if line is not None:
            chunk = line * (2**20 // len(line))
            while written + len(chunk) <= size:
                written += out.write(chunk)
            return
        rows = MAX_ROWS if kind == "largest accepted" else size // (HASH_CHARS + 50)
        for n in range(3_000_000, 3_000_000 + rows):
            out.write(f"BENCH{n:07d},,{hardware_hash(n)},Contoso Devices,Laptop {n % 7}\r\n".encode())


WAYS = ("streamed", "whole")


def peak_resident_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts again at exec; getrusage's maxrss does not, and would
    report the parent's (this benchmark's, after seeding) for a process it started."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


def large_file_figure(kind: str, way: str) -> int:
    """Step 6 for one kind of file, in this (fresh) process: prints time, peak memory and the outcome, on one line.

    "streamed" is what the upload request does: the service reads the upload (a temporary file on disk) a chunk at a
    time and keeps the file's text, in a transaction rolled back afterwards. "whole" is the reference: the same file
    read whole into memory and parsed, as the request used to hold it."""
    import tempfile

    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from autopilot.csv_import import CsvFileError, parse
    from autopilot.models import DeviceSource
    from autopilot.services import device_batch_upload
    from partnercenter.models import Partner, Tenant, User

    class Rollback(Exception):
        pass

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "devices.csv"
        large_file(kind, path)
        size = path.stat().st_size
        started = time.perf_counter()
        if way == "whole":
            try:
                outcome = f"{len(parse(path.read_bytes()).rows):,} rows read"
            except CsvFileError as error:
                outcome = f"refused: {error.code}"
        else:
            agent = User.objects.get(email="admin@fabrikam-bench.example")
            try:
                with path.open("rb") as upload, transaction.atomic():
                    batch = device_batch_upload(
                        customer=Tenant.objects.get(primary_domain="contoso-bench.example"),
                        name=f"Bench {kind}",
                        data=upload,
                        file_name="devices.csv",
                        source=DeviceSource.PARTNER,
                        uploaded_by=agent,
                        partner=Partner.objects.get(partner_id="9100001"),
                    )
                    outcome = f"{batch.total_rows:,} rows kept for the worker"
                    raise Rollback
            except ValidationError as error:
                outcome = f"refused: {error.code}"
            except Rollback:
                pass
        seconds = time.perf_counter() - started
    print(f"{seconds:.2f} {peak_resident_mb():.0f} {size} {outcome}")
    return 0


def database_args(args: argparse.Namespace) -> list[str]:
    """The options a step's own process needs to find the benchmark's database."""
    return ["--db-url", args.db_url, "--db-name", args.db_name]


def large_file_figures(args: argparse.Namespace) -> bool:
    import subprocess

    print()
    print("Large files, just under the 100 MB limit, each way in a process of its own; peak is the process's resident")
    print("memory (Python and Django included). streamed: the upload request (read in chunks, text kept in pieces);")
    print("whole: reference, the file read whole and parsed. ", end="")
    print(f"Aims, streamed: {LARGE_FILE_TARGET_SECONDS:.0f} s, under {LARGE_FILE_TARGET_MB} MB.")
    print(f"  {'file':<17} {'size':>9} {'streamed':>9} {'peak':>7} {'whole':>8} {'peak':>7}  outcome (streamed)")
    ok = True
    for kind in LARGE_FILES:
        figures = {}
        for way in WAYS:
            command = [sys.executable, __file__, *database_args(args), "--large-file", kind, "--way", way]
            result = subprocess.run(command, check=True, capture_output=True, text=True)
            seconds, peak, size, outcome = result.stdout.strip().splitlines()[-1].split(" ", 3)
            figures[way] = (float(seconds), float(peak), int(size), outcome)
        s_seconds, s_peak, size, outcome = figures["streamed"]
        w_seconds, w_peak, _size, _outcome = figures["whole"]
        met = s_seconds <= LARGE_FILE_TARGET_SECONDS and s_peak < LARGE_FILE_TARGET_MB
        ok = ok and met
        print(
            f"  {kind:<17} {size / 2**20:>6.1f} MB {s_seconds:>7.2f} s {s_peak:>4.0f} MB {w_seconds:>6.2f} s "
            f"{w_peak:>4.0f} MB  {outcome}{'' if met else '  (AIM MISSED)'}"
        )
    print(f"Every file answered within the aims: {'yes' if ok else 'NO'}")
    return ok


def upload_for_the_worker() -> int:
    """Step 7's upload, in this (fresh) process: the largest file accepted, uploaded and committed as the request
    does, its check queued to an in-memory broker that nobody reads (the list waits for a worker). Prints the list's
    id."""
    import tempfile

    import django

    django.setup()
    from autopilot.models import DeviceSource
    from autopilot.services import device_batch_upload
    from partnercenter.models import Partner, Tenant, User

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "devices.csv"
        large_file("largest accepted", path)
        with path.open("rb") as upload:
            batch = device_batch_upload(
                customer=Tenant.objects.get(primary_domain="contoso-bench.example"),
                name="Bench worker",
                data=upload,
                file_name="devices.csv",
                source=DeviceSource.PARTNER,
                uploaded_by=User.objects.get(email="admin@fabrikam-bench.example"),
                partner=Partner.objects.get(partner_id="9100001"),
            )
    print(batch.pk)
    return 0


def worker_figure(batch_id: int) -> int:
    """Step 7's worker, in this (fresh) process: the task function, as a Celery worker runs it. Prints time, peak
    resident memory and the outcome, on one line."""
    import django

    django.setup()
    from autopilot.models import DeviceBatch
    from autopilot.tasks import validate_batch

    started = time.perf_counter()
    state = validate_batch(batch_id)
    seconds = time.perf_counter() - started
    batch = DeviceBatch.objects.get(pk=batch_id)
    print(f"{seconds:.2f} {peak_resident_mb():.0f} {state}: {batch.registered_rows:,} of {batch.total_rows:,} devices")
    return 0


def worker_figures(args: argparse.Namespace) -> bool:
    import subprocess

    from autopilot.models import Device, DeviceBatch

    print()
    print("The worker's side of the largest file accepted, in a process of its own: the task function checks the rows")
    print(f"and registers the devices; peak is the process's resident memory. Aim: under {WORKER_TARGET_MB} MB.")
    upload = subprocess.run(
        [sys.executable, __file__, *database_args(args), "--upload-for-worker"],
        check=True,
        capture_output=True,
        text=True,
    )
    batch_id = int(upload.stdout.strip().splitlines()[-1])
    try:
        rows = DeviceBatch.objects.get(pk=batch_id).total_rows
        result = subprocess.run(
            [sys.executable, __file__, *database_args(args), "--worker", str(batch_id)],
            check=True,
            capture_output=True,
            text=True,
        )
        seconds, peak, outcome = result.stdout.strip().splitlines()[-1].split(" ", 2)
    finally:
        Device.objects.filter(batch_id=batch_id).delete()
        DeviceBatch.objects.filter(pk=batch_id).delete()
    met = float(peak) < WORKER_TARGET_MB
    print(f"  {'largest accepted':<17} {rows:>6,} rows {float(seconds):>7.2f} s {float(peak):>4.0f} MB  {outcome}")
    print(f"The worker within the aim: {'yes' if met else 'NO'}")
    return met


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the device file (default 10000)")
    parser.add_argument("--small", type=int, default=1_000, help="rows of the comparison file (default 1000)")
    parser.add_argument("--elsewhere", type=int, default=20_000, help="devices registered elsewhere (default 20000)")
    parser.add_argument("--db-name", default="partnercenter_autopilot_bench", help="database to create and drop")
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server, no db")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--large-file", choices=LARGE_FILES, help=argparse.SUPPRESS)  # one figure of step 6
    parser.add_argument("--way", choices=WAYS, default="streamed", help=argparse.SUPPRESS)
    parser.add_argument("--upload-for-worker", action="store_true", help=argparse.SUPPRESS)  # step 7's upload
    parser.add_argument("--worker", type=int, metavar="BATCH_ID", help=argparse.SUPPRESS)  # step 7's worker
    parser.add_argument("--large-files-only", action="store_true", help="only step 6 (the database is still made)")
    return parser.parse_args()


def configure_environment(args: argparse.Namespace) -> None:
    """Production-like settings (DEBUG off), in-process tasks, and the test client's host allowed."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "partnercenter.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + os.urandom(24).hex(),
            "ALLOWED_HOSTS": "testserver",
            "SITE_URL": "http://testserver",
            "SECURE_COOKIES": "false",
            "DATABASE_URL": f"{args.db_url}/{args.db_name}",
            "CONN_MAX_AGE": "600",
            "CACHE_URL": "locmemcache://",
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": "",
            "CELERY_BROKER_URL": "",
            "SECURE_SSL_REDIRECT": "false",
            "BEHIND_TLS_PROXY": "false",
            "SECURE_HSTS_SECONDS": "0",
            "PARTNER_MFA_REQUIRED": "false",
            "AUTOPILOT_STRICT_PARTNER_RULES": "false",
        }
    )


def hardware_hash(n: int) -> str:
    """Base64 of 3,000 bytes that look random, as a real hash's do to a compressor (the worst case for storing it)."""
    return base64.b64encode(hashlib.shake_256(f"bench-{n}".encode()).digest(HASH_CHARS * 3 // 4)).decode()


def device_file(rows: int, start: int) -> bytes:
    from autopilot.csv_import import PARTNER_CENTER_HEADER

    lines = [PARTNER_CENTER_HEADER]
    lines += [f"BENCH{n:07d},,{hardware_hash(n)},Contoso Devices,Laptop {n % 7}" for n in range(start, start + rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


@dataclass
class World:
    agent_id: int
    customer_public_id: str
    profile_public_id: str


def seed(elsewhere: int) -> World:
    from django.db import connection, transaction

    from autopilot.models import AutopilotProfile, Device, DeviceSource
    from partnercenter.models import DelegatedAdminGrant, ResellerRelationship, SecurityGroup
    from partnercenter.services import partner_create, tenant_create, user_create

    with transaction.atomic():
        partner = partner_create(name="Fabrikam Bench", primary_domain="fabrikam-bench.example", partner_id="9100001")
        agent = user_create(
            tenant=partner.tenant,
            email="admin@fabrikam-bench.example",
            password=os.urandom(16).hex(),
            group_kinds=[SecurityGroup.Kind.ADMIN_AGENTS],
        )
        customer = tenant_create(name="Contoso Bench", primary_domain="contoso-bench.example")
        other = tenant_create(name="Litware Bench", primary_domain="litware-bench.example")
        ResellerRelationship.objects.create(partner=partner, customer=customer)
        DelegatedAdminGrant.objects.create(partner=partner, customer=customer)
        profile = AutopilotProfile.objects.create(tenant=customer, name="Standard", skip_eula=True)
        from autopilot.csv_import import hash_digest

        Device.objects.bulk_create(
            (
                Device(
                    tenant=other,
                    serial_number=f"ELSE{n:07d}",
                    hardware_hash=hardware_hash(-n - 1),
                    hardware_hash_digest=hash_digest(hardware_hash(-n - 1)),
                    manufacturer="Contoso Devices",
                    model=f"Laptop {n % 7}",
                    added_by_source=DeviceSource.OEM,
                )
                for n in range(elsewhere)
            ),
            batch_size=5000,
        )
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    return World(agent.pk, str(customer.public_id), str(profile.public_id))


@dataclass
class Step:
    name: str
    seconds: float = 0.0
    queries: int = 0
    inserts: int = 0  # of those, the INSERTs of devices (services.INSERT_CHUNK devices each)
    peak_mb: float = 0.0


@contextmanager
def counting_queries(step: Step):
    from django.db import connection

    def count(execute, sql, params, many, context):
        step.queries += 1
        step.inserts += sql.startswith('INSERT INTO "autopilot_device" ')
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield


def client_for(world: World):
    from django.test import Client

    from partnercenter.models import User

    client = Client()
    client.force_login(User.objects.get(pk=world.agent_id))
    return client


def run(world: World, rows: int, start: int, *, trace_memory: bool) -> list[Step]:
    """Upload a file of `rows` devices (checked and registered in process), then apply the profile to the whole
    list. Returns the steps; raises if anything did not happen."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from autopilot.models import Device, DeviceBatch

    data = device_file(rows, start)
    client = client_for(world)
    client.get(reverse("customers:devices", args=[world.customer_public_id]))  # warm: session, caches, templates
    upload_url = reverse("customers:device_add", args=[world.customer_public_id])
    apply_url = reverse("customers:profile_apply", args=[world.customer_public_id])

    steps = [Step("upload, check and register"), Step("apply the profile to all the devices")]
    if trace_memory:
        tracemalloc.start()
    with counting_queries(steps[0]):
        began = time.perf_counter()
        response = client.post(
            upload_url, {"name": f"Bench {rows}", "file": SimpleUploadedFile("bench.csv", data, "text/csv")}
        )
        steps[0].seconds = time.perf_counter() - began
    if trace_memory:
        steps[0].peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.reset_peak()
    assert response.status_code == 302, response.status_code
    batch = DeviceBatch.objects.get(name=f"Bench {rows}")
    assert batch.state == DeviceBatch.State.REGISTERED and batch.registered_rows == rows, (batch.state, batch.failure)

    with counting_queries(steps[1]):
        began = time.perf_counter()
        response = client.post(
            apply_url, {"profile": world.profile_public_id, "device_list": [str(batch.public_id)], "return": "lists"}
        )
        steps[1].seconds = time.perf_counter() - began
    if trace_memory:
        steps[1].peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert response.status_code == 302, response.status_code
    assert Device.objects.filter(batch=batch, profile__isnull=False).count() == rows
    return steps


def clean(world: World) -> None:
    from autopilot.models import Device, DeviceBatch

    DeviceBatch.objects.filter(tenant__public_id=world.customer_public_id).delete()
    Device.objects.filter(tenant__public_id=world.customer_public_id).delete()


def report(title: str, rows: int, timed: list[Step], traced: list[Step]) -> float:
    total = sum(s.seconds for s in timed)
    print(f"\n{title}: {rows:,} rows, file of {len(device_file(1, 0)) * rows / 2**20:,.1f} MB")
    print(f"  {'step':<40} {'seconds':>8} {'queries':>8} {'peak MB':>8}")
    for step, memory in zip(timed, traced, strict=True):
        print(f"  {step.name:<40} {step.seconds:>8.2f} {step.queries:>8} {memory.peak_mb:>8.1f}")
    print(
        f"  {'end to end':<40} {total:>8.2f} {sum(s.queries for s in timed):>8} {max(s.peak_mb for s in traced):>8.1f}"
    )
    return total


def main() -> int:
    args = parse_args()
    configure_environment(args)
    if args.large_file:
        return large_file_figure(args.large_file, args.way)
    if args.upload_for_worker:
        os.environ["CELERY_BROKER_URL"] = "memory://"  # queued there, and never taken: the list waits for --worker
        return upload_for_the_worker()
    if args.worker:
        return worker_figure(args.worker)
    say(f"Creating database {args.db_name}")
    create_database(args.db_url, args.db_name)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        say("Migrating")
        call_command("migrate", verbosity=0)
        say("Collecting static files (the manifest that DEBUG-off pages need)")
        call_command("collectstatic", interactive=False, verbosity=0)
        say(f"Seeding a partner, a customer and {args.elsewhere:,} devices registered elsewhere")
        world = seed(args.elsewhere)
        if args.large_files_only:
            large_files_ok = large_file_figures(args)
            return 0 if worker_figures(args) and large_files_ok else 1

        results = {}
        for rows, start in ((args.small, 1_000_000), (args.rows, 2_000_000)):
            say(f"{rows:,} rows: timed run")
            timed = run(world, rows, start, trace_memory=False)
            clean(world)
            say(f"{rows:,} rows: memory run (tracemalloc)")
            traced = run(world, rows, start, trace_memory=True)
            clean(world)
            results[rows] = (timed, traced)

        for rows, (timed, traced) in results.items():
            total = report("Result", rows, timed, traced)
        from autopilot.services import INSERT_CHUNK

        # The devices are inserted INSERT_CHUNK at a time, so that no statement holds a whole file: those INSERTs grow
        # with the batches (one per INSERT_CHUNK devices); every other query stays the same whatever the rows.
        small_queries = [s.queries - s.inserts for s in results[args.small][0]]
        large_queries = [s.queries - s.inserts for s in results[args.rows][0]]
        inserts = {rows: sum(s.inserts for s in timed) for rows, (timed, _traced) in results.items()}
        print()
        print(f"Queries per step but the devices' INSERTs, {args.small:,} rows: {small_queries}; ", end="")
        print(f"{args.rows:,} rows: {large_queries}")
        print(f"INSERTs of devices ({INSERT_CHUNK:,} a statement), ", end="")
        print(f"{args.small:,} rows: {inserts[args.small]}; {args.rows:,} rows: {inserts[args.rows]}")
        flat = small_queries == large_queries and all(
            count == -(-rows // INSERT_CHUNK) for rows, count in inserts.items()
        )
        fast = total < TARGET_SECONDS
        print(f"Queries do not grow with the rows, but for one INSERT per {INSERT_CHUNK:,} devices: ", end="")
        print("yes" if flat else "NO")
        print(f"{args.rows:,} rows end to end under {TARGET_SECONDS:.0f} s: {'yes' if fast else 'NO'} ({total:.2f} s)")
        large_files_ok = large_file_figures(args)
        worker_ok = worker_figures(args)
        return 0 if flat and fast and large_files_ok and worker_ok else 1
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            say(f"Keeping database {args.db_name}")
        else:
            say(f"Dropping database {args.db_name}")
            drop_database(args.db_url, args.db_name)


if __name__ == "__main__":
    sys.exit(main())
