"""The admin center's home: the tenant, and the sections the signed-in user's roles open."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partnercenter.access import admin_center_for


@require_GET
def home(request: HttpRequest, tenant_id) -> HttpResponse:
    center = admin_center_for(request, tenant_id)
    return render(request, "admincenter/home.html", {"center": center})
