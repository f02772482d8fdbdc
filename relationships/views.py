"""Partner side: request a reseller relationship, its draft email, the request history. Customer side: the page
behind the personalized link, where a Global admin accepts or declines."""

from collections.abc import Callable
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnercenter.access import require_partner_role
from partnercenter.http import AuthenticatedRequest
from partnercenter.languages import current_language, language_choices, supported_language
from partnercenter.listing import paginate
from partnercenter.models import User
from partnercenter.services import customer_organisation_create
from partnercenter.templatetags.when import when

from . import services
from .forms import AcceptForm, DraftEmailForm, EmailLanguageForm, OrganisationSignupForm, RequestOptionsForm
from .models import RelationshipRequest, ShareMethod
from .rules import REQUESTERS, relationship_request_for
from .selectors import (
    REQUEST_SEARCH_MAX_LENGTH,
    REQUEST_SORTING,
    latest_emails_by_request,
    relationship_request_by_token,
    requests_filtered,
    requests_for,
)
from .services import DraftAlreadySent, IssuedRequest, RequestNotUsable
from .tokens import token_matches


def _render_draft(
    request: AuthenticatedRequest, issued: IssuedRequest, language: str, form: DraftEmailForm | None = None
) -> HttpResponse:
    """The draft email, in the customer's `language`. Rendered in the response to the POST that made the link: the
    token is never stored, so this is the one moment it can be shown."""
    partner = issued.request.partner
    with translation.override(language):
        default_message = render_to_string(
            "relationships/draft_message.txt",
            {"partner": partner, "agent": request.user, "link": issued.link, "request": issued.request},
        ).strip()
        subject = _("%(partner)s invites you to a reseller relationship") % {"partner": partner.name}
    if form is None:
        form = DraftEmailForm(initial={"token": issued.token, "message": default_message, "language": language})
    mailto = f"mailto:?subject={quote(subject)}&body={quote(default_message)}"
    public_id = issued.request.public_id
    response = render(
        request,
        "relationships/draft.html",
        {
            "issued": issued,
            "form": form,
            "mailto": mailto,
            "default_message": default_message,
            "email_language": dict(language_choices())[language],
            "send_url": reverse("relationships:request_send", args=[public_id]),
            "done_action": reverse("relationships:request_done", args=[public_id]),
            "shared_url": reverse("relationships:request_shared", args=[public_id]),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    partner = require_partner_role(request, *REQUESTERS)
    state = request.GET.get("state", "")
    q = request.GET.get("q", "")[:REQUEST_SEARCH_MAX_LENGTH]
    requests = requests_filtered(requests_for(partner), state=state, q=q)
    page = paginate(request, requests, REQUEST_SORTING, per_page=25)
    emails = latest_emails_by_request(page.rows)
    rows = [(r, emails.get(str(r.public_id))) for r in page.rows]
    context = {
        "page": page,
        "rows": rows,
        "q": q,
        "state": state if state in RelationshipRequest.State.values else "",
        "states": RelationshipRequest.State.choices,
    }
    return render(request, "relationships/request_list.html", context)


@require_http_methods(["GET", "POST"])
def request_new(request: AuthenticatedRequest) -> HttpResponse:
    partner = require_partner_role(request, *REQUESTERS)
    form = RequestOptionsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        issued = services.relationship_request_create(
            partner=partner,
            created_by=request.user,
            include_delegated_admin=form.cleaned_data["include_delegated_admin"],
        )
        return _render_draft(request, issued, form.cleaned_data["language"])
    return render(request, "relationships/request_new.html", {"form": form})


@require_POST
def request_send(request: AuthenticatedRequest, public_id) -> HttpResponse:
    relationship_request = relationship_request_for(request, public_id, *REQUESTERS)
    token = request.POST.get("token", "")
    if not token_matches(relationship_request, token):
        messages.error(request, _STALE_DRAFT)
        return redirect("relationships:request_list")
    form = DraftEmailForm(request.POST)
    issued = IssuedRequest(relationship_request, token)
    language = supported_language(request.POST.get("language")) or current_language()
    if not form.is_valid():
        return _render_draft(request, issued, language, form)
    try:
        services.relationship_request_send(
            relationship_request=relationship_request,
            sent_by=request.user,
            token=form.cleaned_data["token"],
            recipient_email=form.cleaned_data["recipient_email"],
            message=form.cleaned_data["message"],
            language=form.cleaned_data["language"],
        )
    except DraftAlreadySent as sent:
        # A double click or a second tab: the first post sent it; this one is told so, and nothing more is sent.
        messages.info(
            request,
            _("This draft was already sent to %(email)s. To email the customer again, use Resend: it makes a new link.")
            % {"email": sent.recipient_email},
        )
        return redirect("relationships:request_list")
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, field_errors in error.error_dict.items():
                for e in field_errors:
                    form.add_error(field, e)
        else:
            form.add_error(None, error)
        return _render_draft(request, issued, language, form)
    messages.success(
        request,
        _("The email to %(email)s is on its way. You can follow it here.")
        % {"email": form.cleaned_data["recipient_email"]},
    )
    return redirect("relationships:request_list")


@require_POST
def request_done(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """Done on the draft page: the agent says the draft is sent (from their own email, say), and it is pending. Then
    back to Customers, as Partner Center's Done."""
    relationship_request = relationship_request_for(request, public_id, *REQUESTERS)
    try:
        services.relationship_request_mark_sent(
            relationship_request=relationship_request,
            marked_by=request.user,
            token=request.POST.get("token", "")[:100],
            how=ShareMethod.DONE,
        )
    except ValidationError:
        messages.error(request, _STALE_DRAFT)
        return redirect("relationships:request_list")
    except RequestNotUsable:
        messages.error(request, _("This request can no longer be marked as sent."))
        return redirect("relationships:request_list")
    messages.success(
        request, _("The request is pending until the customer accepts it. Follow it in Relationship requests.")
    )
    return redirect("customers:list")


@require_POST
def request_shared(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """Open in email or Copy to clipboard on the draft page (static/js/app.js posts here as the agent clicks): the
    link has left the portal, so the request is pending. Answers the script only: 204, or why not (400, 409)."""
    relationship_request = relationship_request_for(request, public_id, *REQUESTERS)
    how = request.POST.get("how", "")
    if how not in (ShareMethod.EMAIL_APP, ShareMethod.CLIPBOARD):
        return HttpResponse(status=400)
    try:
        services.relationship_request_mark_sent(
            relationship_request=relationship_request,
            marked_by=request.user,
            token=request.POST.get("token", "")[:100],
            how=ShareMethod(how),
        )
    except ValidationError:
        return HttpResponse(status=400)
    except RequestNotUsable:
        return HttpResponse(status=409)
    return HttpResponse(status=204)


def _request_facts(relationship_request: RelationshipRequest) -> list[tuple[str, str]]:
    """What names a request on its confirmation pages: when, by whom, what it asks, where it was sent."""
    return [
        (_("Created"), when(relationship_request.created_at)),
        (_("Created by"), relationship_request.created_by.display_name),
        (_("Delegated admin privileges"), _("Yes") if relationship_request.include_delegated_admin else _("No")),
        (_("Sent to"), relationship_request.recipient_email or _("Not sent from the portal")),
    ]


def _request_confirmation(request: AuthenticatedRequest, relationship_request: RelationshipRequest, **words):
    response = render(
        request,
        "confirm.html",
        {
            "breadcrumb": [(_("Relationship requests"), reverse("relationships:request_list"))],
            "facts": _request_facts(relationship_request),
            "cancel_url": reverse("relationships:request_list"),
            **words,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


_STALE_DRAFT = gettext_lazy(
    "This draft's link is no longer valid: the request was opened again with a new link. Find it in Relationship "
    "requests."
)
_NOT_PENDING_RESEND = gettext_lazy("Only a request that is still waiting for the customer can be sent again.")
_NOT_PENDING_REVOKE = gettext_lazy("Only a pending request can be revoked.")
_NOT_DRAFT_DISCARD = gettext_lazy("Only a draft can be discarded.")


@require_http_methods(["GET", "POST"])
def request_reissue(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """Resend a pending request, or open a draft again to finish it: the link's token is never stored, so either
    gives a new link and its draft email. GET: what it does (the link before stops working), to confirm, with the
    email's language. POST: the new link's draft."""
    relationship_request = relationship_request_for(request, public_id, *REQUESTERS)
    if request.method == "GET":
        if not relationship_request.is_open:
            messages.error(request, _NOT_PENDING_RESEND)
            return redirect("relationships:request_list")
        if relationship_request.state == RelationshipRequest.State.DRAFT:
            words = {
                "question": _("Open this draft?"),
                "consequence": _(
                    "You get the draft email again, with a new personalized link, to send. The draft's earlier link "
                    "was never sent and stops working: if you shared it by hand, share the new one instead."
                ),
                "confirm_label": _("Open draft"),
            }
        else:
            words = {
                "question": _("Resend this request?"),
                "consequence": _(
                    "You get a new personalized link and a new draft email to send. The link you shared before stops "
                    "working at once: a customer who opens it is told it is no longer valid."
                ),
                "confirm_label": _("Resend"),
            }
        return _request_confirmation(
            request,
            relationship_request,
            **words,
            safe_action=True,
            form=EmailLanguageForm(),
            fields_template="relationships/_email_language.html",
        )
    form = EmailLanguageForm(request.POST)
    language = form.cleaned_data["language"] if form.is_valid() else current_language()
    try:
        issued = services.relationship_request_reissue(
            relationship_request=relationship_request, reissued_by=request.user
        )
    except RequestNotUsable:
        messages.error(request, _NOT_PENDING_RESEND)
        return redirect("relationships:request_list")
    return _render_draft(request, issued, language)


def _end_request(
    request: AuthenticatedRequest,
    public_id,
    *,
    state: str,
    refused: str,
    question: str,
    consequence: str,
    confirm_label: str,
    end: Callable[[RelationshipRequest], object],
    done: str,
) -> HttpResponse:
    """Revoke or discard: GET asks to confirm what it does, POST does it (`end`) while the request is still in
    `state`; `refused` is the error once it is not."""
    relationship_request = relationship_request_for(request, public_id, *REQUESTERS)
    if request.method == "GET":
        if relationship_request.effective_state != state:
            messages.error(request, refused)
            return redirect("relationships:request_list")
        return _request_confirmation(
            request, relationship_request, question=question, consequence=consequence, confirm_label=confirm_label
        )
    try:
        end(relationship_request)
    except RequestNotUsable:
        messages.error(request, refused)
    else:
        messages.success(request, done)
    return redirect("relationships:request_list")


@require_http_methods(["GET", "POST"])
def request_revoke(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """Revoke. GET: what it does, to confirm. POST: the link stops working for good."""
    return _end_request(
        request,
        public_id,
        state=RelationshipRequest.State.PENDING,
        refused=str(_NOT_PENDING_REVOKE),
        question=_("Revoke this request?"),
        consequence=_(
            "Its personalized link stops working at once and the customer can no longer accept it. This can't "
            "be undone: to invite the customer again, request a new reseller relationship."
        ),
        confirm_label=_("Revoke"),
        end=lambda rr: services.relationship_request_revoke(relationship_request=rr, revoked_by=request.user),
        done=_("The request was revoked. Its link no longer works."),
    )


@require_http_methods(["GET", "POST"])
def request_discard(request: AuthenticatedRequest, public_id) -> HttpResponse:
    """Discard a draft. GET: what it does, to confirm. POST: the draft is discarded and its link stops working."""
    return _end_request(
        request,
        public_id,
        state=RelationshipRequest.State.DRAFT,
        refused=str(_NOT_DRAFT_DISCARD),
        question=_("Discard this draft?"),
        consequence=_(
            "Its personalized link stops working: if you shared it by hand, the customer can no longer accept "
            "it. This can't be undone: to invite the customer, request a new reseller relationship."
        ),
        confirm_label=_("Discard"),
        end=lambda rr: services.relationship_request_discard(relationship_request=rr, discarded_by=request.user),
        done=_("The draft was discarded. Its link no longer works."),
    )


# The customer's side: the page behind the personalized link.


def _unusable(request: HttpRequest, state: str) -> HttpResponse:
    """Unknown links get 404; expired, revoked, used or declined ones 410, each with its own explanation."""
    status = 404 if state == "unknown" else 410
    response = render(request, "relationships/invitation_unusable.html", {"state": state}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _invitation_page(request, relationship_request, token, form=None, status=200) -> HttpResponse:
    context = {"rr": relationship_request, "token": token, "form": form or AcceptForm(), "problem": None}
    if request.user.is_authenticated:
        try:
            services.check_can_decide(relationship_request, request.user)
        except PermissionDenied as denied:
            context["problem"] = str(denied)
            status = 403
    response = render(request, "relationships/invitation.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _load(token: str) -> tuple[RelationshipRequest | None, str | None]:
    """The open request behind the link (pending, or a draft: see RelationshipRequest.OPEN_STATES), or why there is
    none ("unknown", "expired", "accepted" …)."""
    relationship_request = relationship_request_by_token(token)
    if relationship_request is None:
        return None, "unknown"
    if not relationship_request.is_open:
        return None, relationship_request.effective_state
    return relationship_request, None


@login_not_required
@never_cache
@require_GET
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    relationship_request, unusable = _load(token)
    if unusable:
        return _unusable(request, unusable)
    return _invitation_page(request, relationship_request, token)


def _decide(request: HttpRequest, token: str, accept: bool) -> HttpResponse:
    # The invitation's views are open to anyone (login_not_required): deciding needs a signed-in user.
    user = request.user
    if not isinstance(user, User):
        return redirect(f"{reverse('account_login')}?next={quote(reverse('relationships:invitation', args=[token]))}")
    relationship_request, unusable = _load(token)
    if unusable:
        return _unusable(request, unusable)
    assert relationship_request is not None  # _load gives a request or why there is none
    try:
        services.check_can_decide(relationship_request, user)
    except PermissionDenied:
        return _invitation_page(request, relationship_request, token)
    form = AcceptForm(request.POST) if accept else None
    if form is not None and not form.is_valid():
        return _invitation_page(request, relationship_request, token, form=form, status=400)
    try:
        if accept:
            services.relationship_request_accept(relationship_request=relationship_request, user=user)
        else:
            services.relationship_request_decline(relationship_request=relationship_request, user=user)
    except PermissionDenied:
        return _invitation_page(request, relationship_request, token)
    except RequestNotUsable as error:
        return _unusable(request, error.state)
    partner = relationship_request.partner.name
    if accept:
        messages.success(request, _("You accepted %(partner)s as your partner.") % {"partner": partner})
    else:
        messages.info(request, _("You declined the request from %(partner)s.") % {"partner": partner})
    return redirect("home")


@login_not_required
@require_POST
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    return _decide(request, token, accept=True)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_decline(request: HttpRequest, token: str) -> HttpResponse:
    """Decline. GET: what it does (the link stops working; the partner must send a new request), to confirm. POST:
    decline."""
    if request.method == "POST":
        return _decide(request, token, accept=False)
    user = request.user
    if not isinstance(user, User):
        return redirect(f"{reverse('account_login')}?next={quote(reverse('relationships:invitation', args=[token]))}")
    relationship_request, unusable = _load(token)
    if unusable:
        return _unusable(request, unusable)
    assert relationship_request is not None  # _load gives a request or why there is none
    try:
        services.check_can_decide(relationship_request, user)
    except PermissionDenied:
        return _invitation_page(request, relationship_request, token)
    partner = relationship_request.partner.name
    return render(
        request,
        "confirm.html",
        {
            "question": _("Decline the request from %(partner)s?") % {"partner": partner},
            "facts": [
                (_("Partner"), partner),
                (_("Partner ID"), relationship_request.partner.partner_id),
                (_("Your organization"), user.tenant.name if user.tenant else ""),
            ],
            "consequence": _(
                "%(partner)s does not become your partner and gets no delegated admin privileges. This link stops "
                "working: to work with you, %(partner)s must send you a new request."
            )
            % {"partner": partner},
            "confirm_label": _("Decline"),
            "cancel_url": reverse("relationships:invitation", args=[token]),
        },
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_signup(request: HttpRequest, token: str) -> HttpResponse:
    """Create a new customer organization and become its first Global admin, then come back to accept."""
    relationship_request, unusable = _load(token)
    if unusable:
        return _unusable(request, unusable)
    if request.user.is_authenticated:
        return redirect("relationships:invitation", token=token)
    form = OrganisationSignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = customer_organisation_create(
                name=data["organisation_name"],
                primary_domain=data["primary_domain"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password"],
                language=translation.get_language(),
            )
        except ValidationError as error:
            _add_signup_errors(form, error)
        else:
            login(request, user, backend="partnercenter.backends.ModelBackend")
            return redirect("relationships:invitation", token=token)
    return render(
        request,
        "relationships/invitation_signup.html",
        {"form": form, "rr": relationship_request, "token": token},
        status=400 if form.is_bound else 200,
    )


# Model fields that a validation error may name, and the form field that shows it.
_SIGNUP_FIELD_OF = {"primary_domain": "primary_domain", "name": "organisation_name", "email": "email"}


def _add_signup_errors(form: OrganisationSignupForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(_SIGNUP_FIELD_OF.get(field), e)
    else:
        # Password validators raise a plain list.
        for e in error.error_list:
            form.add_error("password", e)
