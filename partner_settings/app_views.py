"""Settings > Apps: a partner's app registrations for the Graph-compatible API. Its Admin agents register an app with
permissions, see its client ID, add client secrets (each shown once), revoke them, see when each was last used, and
remove the app."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnercenter.http import AuthenticatedRequest
from partnercenter.models import ApiApplication
from partnercenter.templatetags.when import when

from . import app_services
from .forms import AppForm, AppPermissionsForm, ClientSecretForm
from .rules import app_for, app_secret_for, apps_for
from .security_group_views import _add_errors


@require_GET
def app_list(request: AuthenticatedRequest) -> HttpResponse:
    partner = apps_for(request)
    apps = ApiApplication.objects.filter(partner=partner, removed_at__isnull=True).order_by("display_name", "id")
    return render(request, "partner_settings/apps.html", {"apps": apps})


@require_http_methods(["GET", "POST"])
def app_new(request: AuthenticatedRequest) -> HttpResponse:
    partner = apps_for(request)
    form = AppForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            app = app_services.api_application_create(
                partner=partner,
                created_by=request.user,
                display_name=form.cleaned_data["display_name"],
                permissions=form.cleaned_data["permissions"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The app %(name)s was registered.") % {"name": app.display_name})
            return redirect("partnersettings:app", app_id=app.public_id)
    return render(request, "partner_settings/app_new.html", {"form": form}, status=400 if form.errors else 200)


def _app_page(request: AuthenticatedRequest, app: ApiApplication, *, status: int = 200, **extra) -> HttpResponse:
    context = {
        "app": app,
        "secrets": app.secrets.order_by("-created_at", "-id"),
        "permissions_form": AppPermissionsForm(initial={"permissions": app.permissions}),
        "secret_form": ClientSecretForm(),
        "token_url": settings.SITE_URL + reverse("graphapi:token", args=[app.partner.tenant.public_id]),
        "tenant_id": app.partner.tenant.public_id,
        "now": timezone.now(),
        **extra,
    }
    return render(request, "partner_settings/app.html", context, status=status)


@require_GET
def app_detail(request: AuthenticatedRequest, app_id) -> HttpResponse:
    return _app_page(request, app_for(request, app_id))


@require_POST
def app_permissions(request: AuthenticatedRequest, app_id) -> HttpResponse:
    app = app_for(request, app_id)
    form = AppPermissionsForm(request.POST)
    if not form.is_valid():
        return _app_page(request, app, status=400, permissions_form=form)
    app_services.api_application_permissions_set(
        app=app, permissions=form.cleaned_data["permissions"], changed_by=request.user
    )
    messages.success(request, _("The app's permissions were saved."))
    return redirect("partnersettings:app", app_id=app.public_id)


@never_cache
@require_POST
def app_secret_new(request: AuthenticatedRequest, app_id) -> HttpResponse:
    """A new secret, shown on this answer only (never stored, never redirected through a session)."""
    app = app_for(request, app_id)
    form = ClientSecretForm(request.POST)
    if not form.is_valid():
        return _app_page(request, app, status=400, secret_form=form)
    new = app_services.api_client_secret_create(
        app=app,
        created_by=request.user,
        description=form.cleaned_data["description"],
        lifetime_days=form.cleaned_data["lifetime_days"],
    )
    return _app_page(request, app, new_secret=new.value)


def _confirmation(request: AuthenticatedRequest, app: ApiApplication, **words) -> HttpResponse:
    """A confirmation page of a change to an app, under it; Cancel goes back to it."""
    back = reverse("partnersettings:app", args=[app.public_id])
    context = {
        "breadcrumb": [(_("Apps"), reverse("partnersettings:apps")), (app.display_name, back)],
        "cancel_url": back,
        **words,
    }
    return render(request, "confirm.html", context)


@require_http_methods(["GET", "POST"])
def app_secret_revoke(request: AuthenticatedRequest, app_id, secret_id) -> HttpResponse:
    """Revoke a client secret. GET: what it does (the secret and its tokens stop working), to confirm. POST: revoke
    it."""
    secret = app_secret_for(request, app_id, secret_id)
    if request.method == "GET":
        if secret.revoked_at is not None:
            messages.info(request, _("This client secret was already revoked."))
            return redirect("partnersettings:app", app_id=app_id)
        return _confirmation(
            request,
            secret.application,
            question=_("Revoke this client secret?"),
            facts=[
                (_("App"), secret.application.display_name),
                (_("Description"), secret.description or "—"),
                (_("Value"), f"{secret.hint}…"),
                (_("Expires"), when(secret.expires_at)),
                (_("Last used"), when(secret.last_used_at) if secret.last_used_at else _("Never")),
            ],
            consequence=_(
                "The secret and every token obtained with it stop working at once: a script that uses it can no "
                "longer call the API. This can't be undone: give the script a new client secret."
            ),
            confirm_label=_("Revoke"),
        )
    app_services.api_client_secret_revoke(secret=secret, revoked_by=request.user)
    messages.success(request, _("The client secret was revoked: it and its tokens no longer work."))
    return redirect("partnersettings:app", app_id=app_id)


@require_http_methods(["GET", "POST"])
def app_remove(request: AuthenticatedRequest, app_id) -> HttpResponse:
    """Remove the app. GET: what it does (its secrets and tokens stop working), to confirm. POST: remove it."""
    app = app_for(request, app_id)
    if request.method == "GET":
        return _confirmation(
            request,
            app,
            question=_("Remove the app %(name)s?") % {"name": app.display_name},
            facts=[
                (_("App"), app.display_name),
                (_("Application (client) ID"), str(app.public_id)),
                (_("Active client secrets"), str(app.secrets.filter(revoked_at__isnull=True).count())),
            ],
            consequence=_(
                "Its client secrets and every token obtained with them stop working at once, and the app is no "
                "longer listed. This can't be undone: to call the API again, register a new app."
            ),
            confirm_label=_("Remove app"),
        )
    app_services.api_application_remove(app=app, removed_by=request.user)
    messages.success(request, _("The app %(name)s was removed.") % {"name": app.display_name})
    return redirect("partnersettings:apps")
