#!/usr/bin/env bash
# The production shape in one command: check the variables, compile the translations, collect the static files,
# migrate, then run web (gunicorn), Celery workers and beat under supervisord (supervisord.conf), which restarts any
# of them that dies. Variables come from the environment or from .env, as Django reads them (the environment wins).
source "$(dirname "$0")/common.sh"
ensure_venv requirements.txt
export PATH="$VENV/bin:$PATH"

missing="$("$VENV/bin/python" - <<'PY'
import os

import environ

environ.Env.read_env(".env", overwrite=False)
needed = ["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL"]
print(" ".join(name for name in needed if not os.environ.get(name)))
PY
)"
[ -z "$missing" ] || die "The production shape needs these variables (in the environment or .env): $missing
See README.md, Production, and .env.example."

export PORT="${PORT:-8000}" BIND="${BIND:-0.0.0.0:${PORT:-8000}}"
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}" CELERY_WORKERS="${CELERY_WORKERS:-2}"
export CELERY_CONCURRENCY="${CELERY_CONCURRENCY:-2}"
export SUPERVISOR_RUN_DIR="${SUPERVISOR_RUN_DIR:-$ROOT/run}"
mkdir -p "$SUPERVISOR_RUN_DIR"

ensure_icons
compile_translations
say "Collecting static files"
"$VENV/bin/python" manage.py collectstatic --noinput -v0
say "Migrating the database"
"$VENV/bin/python" manage.py migrate --noinput -v0
say "Partner Center on $BIND: $WEB_CONCURRENCY web processes, $CELERY_WORKERS workers, beat"
exec "$VENV/bin/supervisord" -c "$ROOT/supervisord.conf"
