#!/usr/bin/env bash
# Set up and serve the portal on the embedded default: SQLite, tasks in-process, the local mailbox, demo data.
source "$(dirname "$0")/common.sh"
export DEBUG="${DEBUG:-1}"
ensure_venv requirements.txt
ensure_icons
compile_translations
ADDR="${ADDR:-127.0.0.1:8000}"
URL="$(site_url_for_addr "$ADDR")"
# Links in drafts, emails and the printed invitation are built from SITE_URL: the address served, unless it is set.
export SITE_URL="${SITE_URL:-$URL}"
say "Preparing the database (SQLite: db.sqlite3)"
"$VENV/bin/python" manage.py migrate -v0
"$VENV/bin/python" manage.py demo_data
say "Partner Center: $URL/   Local mailbox: $URL/mailbox/   Admin: $URL/admin/"
exec "$VENV/bin/python" manage.py runserver "$ADDR"
