"""gunicorn's settings. gunicorn reads ./gunicorn.conf.py by itself from the directory it starts in (the image's
/app, the checkout when run natively), so every way of starting the web process shares them; options on the command
line (--bind, --workers) still win."""

# A request line (method, path and query string) longer than this is answered by gunicorn itself, before Django
# runs, with its own bare "414 URI Too Long": gunicorn has no hook to render the portal's page. So the limit is the
# most gunicorn allows, 8190 bytes (its default is 4094; 0 would mean no limit at all, every line held in memory
# whatever its length). The portal's own addresses stay far below it (searches are cut at 200 characters), and
# anything up to it reaches Django, whose answers are the portal's pages in the page's language.
limit_request_line = 8190
