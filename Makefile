.PHONY: run serve test icons bench bench-lists bench-expiring bench-autopilot bench-outbox lint format messages code demo-reset screenshots

run:  ## Set up and serve the portal on the embedded default (SQLite, in-process tasks, local mailbox, demo data)
	./scripts/run.sh

serve:  ## The production shape: web, workers and beat under supervisord (needs PostgreSQL, Redis, SMTP; see README)
	./scripts/serve.sh

test:  ## Set up and run the whole test suite
	./scripts/test.sh

icons:  ## Install the icons (the npm package in package-lock.json) into node_modules/; the scripts do it themselves
	bash -c 'source scripts/common.sh && ensure_icons'

bench: icons  ## Benchmark the Customers page against a bare Django page (needs PostgreSQL)
	.venv/bin/python bench/customers_bench.py

bench-lists: icons  ## Benchmark every list page, page 1 and page 200, at 1,000 and 100,000 rows, against a bare page (needs PostgreSQL)
	.venv/bin/python bench/lists_bench.py

bench-expiring: icons  ## Benchmark Expiring granular relationships (10,000 GDAP relationships) against a bare Django page (needs PostgreSQL)
	.venv/bin/python bench/expiring_bench.py

bench-autopilot: icons  ## Benchmark Autopilot: a 10,000-device file checked and registered, a profile applied to all (needs PostgreSQL)
	.venv/bin/python bench/autopilot_bench.py

bench-outbox:  ## Benchmark the email outbox: 1,000 invitations sent and delivered by a Celery worker to a local SMTP listener (needs PostgreSQL, Redis)
	.venv/bin/python bench/outbox_bench.py

screenshots:  ## Screenshots of the tour's pages at desktop and phone width, into docs/screenshots/ (needs Chromium)
	bash -c 'source scripts/common.sh && ensure_venv requirements-test.txt && ensure_icons && compile_translations'
	.venv/bin/python scripts/screenshots.py

demo-reset:  ## Put the demo back as it was, to take the tour again (empties the embedded default's database)
	DEBUG=$${DEBUG:-1} .venv/bin/python manage.py demo_data --reset

code:  ## The current authenticator code of a demo partner user: make code EMAIL=admin@fabrikam.example (or SECRET=...)
	@DEBUG=$${DEBUG:-1} .venv/bin/python manage.py totp_code $(if $(SECRET),--secret "$(SECRET)",$(EMAIL))

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

messages:  ## Refresh the translation catalogues after changing strings
	DEBUG=$${DEBUG:-1} .venv/bin/python manage.py makemessages -l zh_Hant --ignore=.venv --ignore=bench --no-obsolete
