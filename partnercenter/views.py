"""The shell's own pages: home, the error pages Django's defaults would render bare, and the local mailbox of the
embedded default."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from .access import partner_of
from .http import AuthenticatedRequest
from .middleware import NulCharacterInRequest
from .models import LocalMailboxMessage, User
from .services import user_language_set, user_time_zone_set
from .timezones import zone_choices


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    if partner_of(request.user) is not None:
        return redirect("customers:list")
    return render(request, "home.html", {"tenant": request.user.tenant})


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page: why, and, when an agent was refused in a customer's tenant (CustomerAccessRefused), the way back
    to that customer's page."""
    context = {"exception": str(exception), "customer": getattr(exception, "customer", None)}
    return render(request, "403.html", context, status=403)


@require_http_methods(["GET", "POST"])
def time_zone(request: AuthenticatedRequest) -> HttpResponse:
    """Time zone: the user's own choice, or Automatic (the browser's). Where the user goes back to after saving is
    the page it came from (`next`), if that is one of the portal's."""
    choices = [("", _("Automatic: your browser's time zone")), *zone_choices()]
    chosen = request.POST.get("time_zone", "") if request.method == "POST" else request.user.time_zone
    error = None
    if request.method == "POST":
        try:
            user_time_zone_set(user=request.user, time_zone=chosen[:64])
        except ValidationError as invalid:
            error = invalid.message_dict["time_zone"][0]
        else:
            messages.success(
                request, _("Times are now shown in %(zone)s.") % {"zone": chosen or _("your browser's time zone")}
            )
            back = request.POST.get("next", "")
            safe = url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            return redirect(back if back and safe else "time_zone")
    context = {"choices": choices, "chosen": chosen, "error": error, "next": request.GET.get("next", "")}
    return render(request, "time_zone.html", context, status=400 if error else 200)


@login_not_required
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher: Django's set_language (the cookie, back to the page), and for a signed-in user the
    language remembered as theirs, so that what the portal emails them is in it."""
    response = set_language(request)
    if isinstance(request.user, User):
        user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response


@login_not_required
def not_offered(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


@require_GET
def account_settings(request: AuthenticatedRequest) -> HttpResponse:
    """allauth's email page, which this portal does not have (a user's address is its directory's): allauth sends a
    signed-in user there from /accounts/, so it goes to the user's own settings, Security (password, two-step
    verification)."""
    return redirect("mfa_index")


def _mailbox_enabled() -> None:
    """The mailbox pages exist only on a developer's machine: DEBUG on and the local mailbox the mailer. Anywhere else
    they answer 404, whatever LOCAL_MAILBOX_ENABLED says (settings make it false without DEBUG; this does not rely
    on it)."""
    if not (settings.DEBUG and settings.LOCAL_MAILBOX_ENABLED):
        raise Http404


@login_not_required
@require_GET
def mailbox(request: HttpRequest) -> HttpResponse:
    """Every message the embedded default sent, newest first. Open to anyone: it exists only on a developer's
    machine (DEBUG on, the mailer is the local mailbox), so a newcomer can read a customer's invitation without an
    account."""
    _mailbox_enabled()
    page = Paginator(LocalMailboxMessage.objects.all(), 25).get_page(request.GET.get("page"))
    return render(request, "mailbox/list.html", {"page": page})


@login_not_required
@require_GET
def mailbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    _mailbox_enabled()
    message = get_object_or_404(LocalMailboxMessage, pk=pk)
    return render(request, "mailbox/message.html", {"message": message})


@login_not_required
@require_GET
@csp_override({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "img-src": ["data:"]})
def mailbox_message_html(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTML part as the recipient's mail program would show it, with no script and no way out."""
    _mailbox_enabled()
    message = get_object_or_404(LocalMailboxMessage, pk=pk)
    response = HttpResponse(message.body_html or "<p>(no HTML part)</p>")
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: the portal's page, saying what was wrong (Django's own renders 400.html with no word of why). The
    request may have been refused before LocaleMiddleware ran (see RejectNulCharactersMiddleware), so the language is
    chosen here the way LocaleMiddleware would. Never reads request.GET or POST: they may be what was refused."""
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    with translation.override(language):
        if isinstance(exception, NulCharacterInRequest):
            reason = _("The address or the form contains a character that is not allowed (a null character).")
        elif isinstance(exception, RequestDataTooBig):
            reason = _("What you sent is larger than this site accepts at once.")
        elif isinstance(exception, TooManyFieldsSent):
            reason = _("What you sent has more fields than this site accepts at once.")
        else:
            reason = _("The request could not be understood.")
        return render(request, "400.html", {"reason": reason}, status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the portal's page. Django's own renders 403_csrf.html with no word of which check failed, so
    it could not tell a browser that refuses cookies from a form that went stale."""
    return render(request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403)
