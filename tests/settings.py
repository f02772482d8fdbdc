"""Settings for the test suite: the product's own settings, on PostgreSQL when it is reachable."""

import os
import socket


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


# Tasks run in-process, unless this process's own environment names a broker (a developer's .env, read by the
# product settings below, does not count): the services tests start their Celery worker that way.
_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")

os.environ.setdefault("SECRET_KEY", "test-suite-only-key")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_COOKIES", "false")
if "DATABASE_URL" not in os.environ:
    if _reachable("127.0.0.1", 5432):
        # One database per run, so that runs side by side (a developer and CI) do not clash.
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/partnercenter_{os.getpid()}"
        DATABASE_NOTE = "PostgreSQL at 127.0.0.1:5432"
    else:
        os.environ["DATABASE_URL"] = "sqlite:///:memory:"
        DATABASE_NOTE = "SQLite in memory (PostgreSQL is not reachable at 127.0.0.1:5432)"
else:
    DATABASE_NOTE = "DATABASE_URL from the environment"

from partnercenter.settings import *  # noqa: E402, F403

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; the product uses the default
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LOCAL_MAILBOX_ENABLED = False
CELERY_BROKER_URL = _BROKER_URL
CELERY_TASK_ALWAYS_EAGER = not _BROKER_URL
LANGUAGE_CODE = "en"
