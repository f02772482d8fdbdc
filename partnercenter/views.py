"""The shell's own pages: home, and the local mailbox of the embedded default."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from .access import partner_of
from .models import LocalMailboxMessage


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if partner_of(request.user) is not None:
        return redirect("customers:list")
    return render(request, "home.html", {"tenant": request.user.tenant})


@login_not_required
def not_offered(request: HttpRequest, **kwargs) -> HttpResponse:
    raise Http404


def _mailbox_enabled() -> None:
    if not settings.LOCAL_MAILBOX_ENABLED:
        raise Http404


@login_not_required
@require_GET
def mailbox(request: HttpRequest) -> HttpResponse:
    """Every message the embedded default sent, newest first. Open to anyone: it exists only on a developer's
    machine (the mailer is the local mailbox), so a newcomer can read a customer's invitation without an account."""
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
