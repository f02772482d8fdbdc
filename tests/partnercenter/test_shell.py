"""The shell around every page: security headers, strict CSP, links built from SITE_URL, the local mailbox,
demo data and the Django admin."""

import io
import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as settings_module
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from partnercenter.checks import mailer_check
from partnercenter.mailbox import LocalMailboxBackend, NoMailerBackend
from partnercenter.models import DelegatedAdminGrant, LocalMailboxMessage, Partner, ResellerRelationship, Tenant, User
from relationships.models import RelationshipRequest


def test_every_page_has_a_strict_content_security_policy(world, client_for):
    response = client_for("a_admin").get(reverse("customers:list"))
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_style(world, client_for):
    for name in ["customers:list", "relationships:request_new", "relationships:request_list"]:
        page = client_for("a_admin").get(reverse(name)).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), name
        assert "<style" not in page and " style=" not in page, name


def test_links_in_emails_come_from_site_url_not_the_host_header(world, client_for, settings):
    settings.SITE_URL = "https://portal.example"
    settings.ALLOWED_HOSTS = ["testserver", "other.test"]
    response = client_for("a_admin").post(reverse("relationships:request_new"), {"x": "1"}, HTTP_HOST="other.test")
    page = response.content.decode()
    assert "https://portal.example/invitations/" in page
    assert "other.test/invitations/" not in page


def test_the_local_mailbox_shows_what_was_sent(db, settings):
    settings.DEBUG = True
    settings.LOCAL_MAILBOX_ENABLED = True
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives("Hello", "Open http://testserver/x", "from@test", ["to@test"])
    message.attach_alternative("<p>Hello <b>there</b></p>", "text/html")
    assert LocalMailboxBackend(alias="default").send_messages([message]) == 1
    stored = LocalMailboxMessage.objects.get()
    client = Client()
    assert "Hello" in client.get(reverse("mailbox")).content.decode()
    page = client.get(reverse("mailbox_message", args=[stored.pk])).content.decode()
    assert '<a href="http://testserver/x"' in page
    html = client.get(reverse("mailbox_message_html", args=[stored.pk]))
    assert "<b>there</b>" in html.content.decode()
    assert "script-src" not in html["Content-Security-Policy"]
    assert "default-src 'none'" in html["Content-Security-Policy"]


# The local mailbox is for local development only.


def test_without_debug_the_mailbox_pages_do_not_exist_for_anyone(world, client_for, settings):
    """Even were the local mailbox the mailer: with DEBUG off its pages answer 404, signed in or not, and show
    nothing of what was sent."""
    settings.DEBUG = False
    settings.LOCAL_MAILBOX_ENABLED = True
    from django.core.mail import EmailMessage

    reset = EmailMessage("Reset your password", "http://testserver/accounts/password/reset/key/SECRET/", to=["a@x"])
    LocalMailboxBackend(alias="default").send_messages([reset])
    stored = LocalMailboxMessage.objects.get()
    for persona in ["anon", "x_ga", "a_admin"]:
        client = client_for(persona)
        for path in ["/mailbox/", f"/mailbox/{stored.pk}/", f"/mailbox/{stored.pk}/html/"]:
            response = client.get(path)
            assert response.status_code == 404, (persona, path)
            assert b"SECRET" not in response.content and b"Reset your password" not in response.content
    assert LocalMailboxMessage.objects.count() == 1


def _production_env(tmp_path, **variables) -> dict[str, str]:
    """The production variables of scripts/test.sh, and nothing from this process's environment or a .env file
    (they are set, so a .env does not fill them in)."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(settings_module.BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "partnercenter.settings",
        "DEBUG": "false",
        "SECRET_KEY": "k" + secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "partnercenter.example",
        "SITE_URL": "https://partnercenter.example",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_COOKIES": "true",
        "BEHIND_TLS_PROXY": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        "CELERY_BROKER_URL": "",
        "EMAIL_URL": "",
    }
    env.update(variables)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings_module.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_without_a_mailer_fails_with_a_clear_message(tmp_path):
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "(partnercenter.E001) No mailer: with DEBUG off, EMAIL_URL must name a real mail server." in result.stderr
    assert "HINT: Set EMAIL_URL" in result.stderr
    # Not only `check --deploy`: every command that checks the project, as production's start (migrate) does.
    result = _manage(_production_env(tmp_path), "migrate", "--plan")
    assert result.returncode != 0 and "partnercenter.E001" in result.stderr


def test_check_deploy_with_a_mailer_passes(tmp_path):
    result = _manage(
        _production_env(tmp_path, EMAIL_URL="smtp://localhost:25"), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_without_debug_and_without_a_mailer_nothing_falls_back_to_the_local_mailbox(tmp_path):
    """Started all the same (gunicorn runs no checks), the portal has no local mailbox: sending fails and says why."""
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.MAILERS['default']['BACKEND'], settings.LOCAL_MAILBOX_ENABLED)"
    )

    def effective(**variables) -> str:
        result = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=settings_module.BASE_DIR,
            env=_production_env(tmp_path, **variables),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert effective() == "partnercenter.mailbox.NoMailerBackend False"
    assert effective(DEBUG="true") == "partnercenter.mailbox.LocalMailboxBackend True"
    assert effective(EMAIL_URL="smtp://localhost:25") == "django.core.mail.backends.smtp.EmailBackend False"
    assert effective(DEBUG="true", EMAIL_URL="smtp://localhost:25").endswith("smtp.EmailBackend False")


def test_the_no_mailer_backend_refuses_to_send(db):
    from django.core.mail import EmailMessage

    with pytest.raises(ImproperlyConfigured, match="No mailer: set EMAIL_URL"):
        NoMailerBackend(alias="default").send_messages([EmailMessage("s", "b", to=["a@x"])])
    assert not LocalMailboxMessage.objects.exists()


def test_the_mailer_check_is_an_error_only_without_debug(settings):
    settings.MAILERS = {"default": {"BACKEND": "partnercenter.mailbox.LocalMailboxBackend"}}
    settings.DEBUG = False
    assert [e.id for e in mailer_check()] == ["partnercenter.E001"]
    settings.MAILERS = {"default": {"BACKEND": "partnercenter.mailbox.NoMailerBackend"}}
    assert [e.id for e in mailer_check()] == ["partnercenter.E001"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
    assert mailer_check() == []
    settings.MAILERS = {"default": {"BACKEND": "partnercenter.mailbox.LocalMailboxBackend"}}
    settings.DEBUG = True
    assert mailer_check() == []


def _readme_section(title: str) -> str:
    readme = (settings_module.BASE_DIR / "README.md").read_text()
    return readme.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _embedded_shell(tmp_path):
    """A shell in the checkout with none of this process's variables (no SECRET_KEY, no DEBUG), on a SQLite file of
    its own: commands run there as a developer runs them."""
    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}"}

    def shell(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "-c", command], cwd=settings_module.BASE_DIR, env=env, capture_output=True, text=True, timeout=300
        )

    return shell


def test_the_readmes_manage_py_commands_work_as_written(tmp_path):
    """Every `manage.py` command of the README's Two commands and Other commands, run as written (EMAIL filled in) in
    a shell with none of this process's variables: no SECRET_KEY, no DEBUG. Only the database is a file of its own."""
    snippets = re.findall(r"`([^`\n]*manage\.py \w[^`\n]*)`", _readme_section("Other commands"))
    snippets += re.findall(r"^(\S[^\n]*manage\.py \w[^\n]*)$", _readme_section("Two commands"), re.MULTILINE)
    commands = [re.sub(r"^# or: ", "", c).replace(" EMAIL", " admin@fabrikam.example") for c in snippets]
    assert any("demo_data" in c for c in commands) and any("totp_code" in c for c in commands)
    assert any("outbox_sweep" in c for c in commands)
    shell = _embedded_shell(tmp_path)
    migrated = shell("DEBUG=1 .venv/bin/python manage.py migrate -v0")  # what `make run` does first
    assert migrated.returncode == 0, migrated.stderr
    for command in sorted(commands, key=lambda c: "demo_data" not in c):  # the demo data first
        result = shell(command)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        if "totp_code" in command:
            assert re.fullmatch(r"\d{6}", result.stdout.strip()), result.stdout


def _run_sh(tmp_path, **variables) -> list[str]:
    """scripts/run.sh in a copy of the checkout whose .venv/bin/python and npm only write down how they were called
    (python with the SITE_URL it saw): what `make run` would run, without installing or serving anything."""
    import shutil

    root = tmp_path / "checkout"
    shutil.copytree(settings_module.BASE_DIR / "scripts", root / "scripts")
    for requirements in [
        *settings_module.BASE_DIR.glob("requirements*.txt"),
        *settings_module.BASE_DIR.glob("package*.json"),
    ]:
        shutil.copy(requirements, root)
    python = root / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL $*" >> "$(dirname "$0")/calls"\n')
    python.chmod(0o755)
    npm = tmp_path / "bin" / "npm"
    npm.parent.mkdir()
    npm.write_text(f'#!/bin/sh\nmkdir -p node_modules\necho "npm $*" >> "{python.parent}/calls"\n')
    npm.chmod(0o755)
    env = {"PATH": f"{npm.parent}:{os.environ.get('PATH', '')}", "HOME": str(tmp_path), **variables}
    result = subprocess.run(
        ["bash", str(root / "scripts" / "run.sh")], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return [line for line in (python.parent / "calls").read_text().splitlines() if "manage.py" in line or "npm" in line]


@pytest.mark.parametrize(
    ("addr", "site_url"),
    [
        (None, "http://127.0.0.1:8000"),
        ("127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("0.0.0.0:8124", "http://127.0.0.1:8124"),
        ("8125", "http://127.0.0.1:8125"),
        ("localhost:8126", "http://localhost:8126"),
        ("[::]:8127", "http://[::1]:8127"),
    ],
)
def test_make_run_builds_links_for_the_port_it_serves(tmp_path, addr, site_url):
    calls = _run_sh(tmp_path, **({"ADDR": addr} if addr else {}))
    demo = next(c for c in calls if "manage.py demo_data" in c)
    serve = next(c for c in calls if "manage.py runserver" in c)
    assert demo.startswith(f"SITE_URL={site_url} ")  # the printed invitation link
    assert serve == f"SITE_URL={site_url} manage.py runserver {addr or '127.0.0.1:8000'}"  # drafts and emails


def test_make_run_keeps_a_site_url_that_is_set(tmp_path):
    calls = _run_sh(tmp_path, ADDR="0.0.0.0:8128", SITE_URL="https://portal.example")
    assert all(c.startswith("SITE_URL=https://portal.example ") for c in calls if "manage.py" in c)


def test_make_run_installs_the_icons_from_the_lock_file_running_none_of_their_scripts(tmp_path):
    calls = _run_sh(tmp_path)
    assert calls[0] == "npm ci --ignore-scripts --no-audit --no-fund --loglevel=error"  # before anything serves
    assert sum("npm" in c for c in calls) == 1


# What a person's tour changes: Litware accepts Fabrikam, a new customer organization is created from a link, Contoso
# removes delegated admin, a partner user is removed, a device is deregistered.
TOUR = """
from autopilot.models import Device
from partnercenter.models import DelegatedAdminGrant, Partner, ResellerRelationship, Tenant, User
from partnercenter.services import tenant_create
fabrikam = Partner.objects.get(tenant__primary_domain="fabrikam.example")
ResellerRelationship.objects.create(partner=fabrikam, customer=Tenant.objects.get(primary_domain="litware.example"))
ResellerRelationship.objects.create(
    partner=fabrikam, customer=tenant_create(name="Tailspin Toys", primary_domain="tailspin.example")
)
DelegatedAdminGrant.objects.filter(customer__primary_domain="contoso.example").delete()
User.objects.filter(email="sales@fabrikam.example").update(is_active=False)
Device.objects.filter(serial_number="DEMO-0001").delete()
"""

DEMO_STATE = """
import json
from django.apps import apps
from partnercenter.models import DelegatedAdminGrant, ResellerRelationship, User
print(json.dumps({
    "rows": {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.label != "sessions.Session"},
    "relationships": sorted(f"{r.partner.name} > {r.customer.name}" for r in ResellerRelationship.objects.all()),
    "grants": sorted(g.customer.name for g in DelegatedAdminGrant.objects.all()),
    "users": sorted((u.email, u.is_active) for u in User.objects.all()),
}))
"""


def test_demo_data_reset_puts_the_demo_back_as_it_was(tmp_path):
    shell = _embedded_shell(tmp_path)
    manage = "DEBUG=1 .venv/bin/python manage.py"

    def run(command: str) -> str:
        result = shell(command)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        return result.stdout

    def state() -> dict:
        return json.loads(run(f"{manage} shell -v0 -c '{DEMO_STATE}'"))

    run(f"{manage} migrate -v0")
    run(f"{manage} demo_data --extra-customers 2")
    fresh = state()
    run(f"{manage} shell -v0 -c '{TOUR}'")
    toured = state()
    assert toured != fresh and "Fabrikam Partners > Tailspin Toys" in toured["relationships"]

    output = run(f"{manage} demo_data --reset --extra-customers 2")
    assert "The database was emptied" in output
    assert state() == fresh


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")  # only read, by the command
def test_demo_data_reset_runs_only_on_the_embedded_default(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only on the embedded default"):
        call_command("demo_data", reset=True, extra_customers=0, stdout=io.StringIO())
    settings.DEBUG = True
    settings.DATABASES = {**settings.DATABASES, "default": {**settings.DATABASES["default"], "ENGINE": "x.postgresql"}}
    with pytest.raises(CommandError, match="only on the embedded default"):
        call_command("demo_data", reset=True, extra_customers=0, stdout=io.StringIO())
    assert not Tenant.objects.exists()  # nothing was emptied, nothing created


def test_demo_data_is_idempotent(db):
    call_command("demo_data", extra_customers=3, stdout=io.StringIO())
    counts = [m.objects.count() for m in (Tenant, User, Partner, ResellerRelationship, DelegatedAdminGrant)]
    call_command("demo_data", extra_customers=3, stdout=io.StringIO())
    assert [m.objects.count() for m in (Tenant, User, Partner, ResellerRelationship, DelegatedAdminGrant)] == counts
    assert RelationshipRequest.objects.filter(state="pending").count() == 1
    assert User.objects.get(email="admin@fabrikam.example").check_password("Demo-password-2026")


def test_every_model_is_in_the_admin_with_a_working_search(world, staff_client):
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert staff_client.get(url).status_code == 200, url
        if admin.site._registry[model].search_fields:
            assert staff_client.get(url, {"q": "contoso"}).status_code == 200, url
    for label in ("partnercenter.Tenant", "relationships.RelationshipRequest", "partnercenter.AuditEvent"):
        assert any(m._meta.label == label for m in admin.site._registry), label


def test_audit_events_are_read_only_in_the_admin(world, staff_client):
    assert staff_client.get(reverse("admin:partnercenter_auditevent_add")).status_code == 403
