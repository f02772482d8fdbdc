"""The portal's own middleware: hostile input answered before any view sees it, MFARequired turned into a visit
to the two-factor setup page, and the portal's own 404 page under DEBUG."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

from .access import MFARequired

NUL = "\x00"


class NulCharacterInRequest(BadRequest):
    """The address, the query string or a form field holds a NUL character."""


def _has_nul(params) -> bool:
    return any(NUL in key or any(NUL in value for value in params.getlist(key)) for key in params)


class RejectNulCharactersMiddleware:
    """A NUL character in the path, a query parameter or a form field is refused with a 400, for every view at once.

    PostgreSQL cannot store or compare a text containing NUL: psycopg refuses the query, so any view that searches,
    filters or saves such a value answered 500 (or, streaming a CSV, a 200 cut short after its header). No text the
    portal takes has a use for NUL, so a 400 is the honest answer; cleaning the value instead would silently search
    for, or save, something other than what was sent (Django's form fields refuse NUL for the same reason).

    Cookies are different: the visitor cannot edit them, so a cookie with a NUL is dropped (no session key, language
    or CSRF secret contains one) rather than locking the browser out with a 400 on every page. That is why this runs
    before SessionMiddleware, which reads the session cookie; the 400 page finds the page's language itself.

    Reading request.POST here costs nothing extra: CsrfViewMiddleware reads it for every POST anyway. A body over
    Django's size or field-count limits raises here, and becomes the same styled 400 (handler400)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [name for name, value in request.COOKIES.items() if NUL in name or NUL in value]:
            del request.COOKIES[name]
        if NUL in request.path_info or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            raise NulCharacterInRequest("NUL character in the request")
        return self.get_response(request)


class PartnerMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, MFARequired):
            messages.info(
                request,
                _("Partner users must use two-step verification. Set up an authenticator app to continue."),
            )
            return redirect("mfa_activate_totp")
        return None


class PortalNotFoundMiddleware:
    """With DEBUG on (`make run`), Django answers a 404 with its debug page, which lists every URL pattern: a
    newcomer trying the portal meets a developer's tool where the portal's own page belongs. So with DEBUG, a 404
    (an unknown address, or a view's Http404) is the portal's page, as in production. Without DEBUG this does
    nothing: Django already renders templates/404.html.

    An unknown address raises before any view, where no middleware hook sees it; so the address is resolved here
    first (DEBUG only, once more than Django does). Last in MIDDLEWARE, so that the page has the user's language and
    navigation."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG:
            try:
                resolve(request.path_info)
            except Resolver404 as unknown:
                return page_not_found(request, unknown)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
