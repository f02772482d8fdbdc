#!/usr/bin/env bash
# Set up and serve the portal on the embedded default: SQLite, tasks in-process, the local mailbox, demo data.
source "$(dirname "$0")/common.sh"
export DEBUG="${DEBUG:-1}"
ensure_venv requirements.txt
compile_translations
say "Preparing the database (SQLite: db.sqlite3)"
"$VENV/bin/python" manage.py migrate -v0
"$VENV/bin/python" manage.py demo_data
ADDR="${ADDR:-127.0.0.1:8000}"
say "Partner Center: http://$ADDR/   Local mailbox: http://$ADDR/mailbox/   Admin: http://$ADDR/admin/"
exec "$VENV/bin/python" manage.py runserver "$ADDR"
