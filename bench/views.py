"""The baseline of the benchmark: a bare Django view that renders a 50-row table from the database.

It goes through the same middleware as the product (session, authentication, sign-in required), so a signed-in
request pays for the session and the user like the Customers page does; then one query and a minimal template, with
no layout, navigation, context processors or pagination.
"""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.views.decorators.http import require_GET

from partnercenter.models import Tenant

TEMPLATE = engines["django"].from_string(
    """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Tenants</title></head>
<body>
<table>
  <thead><tr><th>Company name</th><th>Primary domain name</th><th>Microsoft ID</th></tr></thead>
  <tbody>
  {% for t in tenants %}<tr><td>{{ t.name }}</td><td>{{ t.primary_domain }}</td><td>{{ t.public_id }}</td></tr>
  {% endfor %}</tbody>
</table>
</body>
</html>
"""
)


@require_GET
def bare_table(request: HttpRequest) -> HttpResponse:
    tenants = Tenant.objects.only("name", "primary_domain", "public_id")[:50]
    return HttpResponse(TEMPLATE.render({"tenants": tenants}))
