#!/usr/bin/env bash
# Set up and run the whole test suite: lint, import contract, types, migrations check, and pytest against the real
# services that are reachable (PostgreSQL, Redis with a Celery worker, an SMTP listener, Chromium); the rest skip with
# a reason.
source "$(dirname "$0")/common.sh"
ensure_venv requirements-test.txt
ensure_icons
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium fonts-noto-cjk || say "Chromium is not installed: the browser tests will be skipped (apt-get install chromium)"
fi
compile_translations
say "Lint (ruff)"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
say "Import contract (the core imports no app; apps do not import each other)"
"$VENV/bin/lint-imports"
say "Types (mypy)"
# The Django plugin loads the settings, which want a SECRET_KEY; DEBUG on, as for the migrations check below.
DEBUG=1 SECRET_KEY=check "$VENV/bin/mypy"
say "Migrations are up to date"
# DEBUG on: makemigrations runs the system checks, and without DEBUG they require a mailer (EMAIL_URL).
DEBUG=1 SECRET_KEY=check "$VENV/bin/python" manage.py makemigrations --check --dry-run -v1
say "Deployment checks with production variables"
# Production requires a mailer: without EMAIL_URL this check fails (partnercenter.E001). Nothing is sent here.
SECRET_KEY="$(head -c 48 /dev/urandom | base64)" ALLOWED_HOSTS=partnercenter.example SITE_URL=https://partnercenter.example \
  SECURE_SSL_REDIRECT=true SECURE_HSTS_SECONDS=31536000 DATABASE_URL=sqlite:////tmp/deploy-check.sqlite3 \
  EMAIL_URL=smtp://localhost:25 "$VENV/bin/python" manage.py check --deploy --fail-level WARNING
say "Tests"
exec "$VENV/bin/python" -m pytest "$@"
