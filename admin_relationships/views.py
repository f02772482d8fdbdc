"""Partner side of granular delegated admin (GDAP), on a customer's page: request an admin relationship, finalize it
(the draft email with its personalized link), send it; its details, security groups and termination."""

from urllib.parse import quote
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnercenter.access import partner_group_kinds
from partnercenter.http import AuthenticatedRequest
from partnercenter.languages import current_language, language_choices, supported_language
from partnercenter.models import AccessAssignment, AdminRelationship, DirectoryRole, Partner, Tenant
from partnercenter.roles import CATALOGUE
from partnercenter.tokens import token_matches_hash
from partnercenter.words import join_list

from . import services
from .forms import (
    AccessAssignmentForm,
    AccessAssignmentRolesForm,
    AdminRelationshipForm,
    DraftEmailForm,
    FinalizeForm,
)
from .models import RoleTemplate
from .rules import (
    MANAGERS,
    admin_relationship_for,
    admin_relationship_request_for,
    customer_for,
    partner_for_requests,
)
from .selectors import (
    admin_relationships_of,
    group_label,
    partner_groups,
    pending_requests_of,
    role_rows,
    role_templates_of,
    template_plan,
    template_rows,
)
from .services import DraftAlreadySent, FinalizedRelationship, approval_link

GA = DirectoryRole.GLOBAL_ADMINISTRATOR


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        form.add_error(None, error)


def _request_form(request: AuthenticatedRequest, partner: Partner, customer: Tenant | None) -> HttpResponse:
    """Request admin relationship: a name, a duration, roles from the catalogue, auto extend, perhaps started from a
    role template. The same form for a customer (from its page) and for a customer who is not yet one (from the
    Customers command bar, `customer` None); then the relationship's page, where the request is finalized."""
    templates = list(role_templates_of(partner))
    # Start from a template (?template=): its roles are chosen; the POST carries it on, for approval to apply.
    started = next((t for t in templates if str(t.public_id) == request.GET.get("template", "")), None)
    initial = {"template": started.public_id, "roles": [e.role for e in started.entries.all()]} if started else None
    form = AdminRelationshipForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        template = next((t for t in templates if t.public_id == data["template"]), None)
        try:
            if data["template"] and template is None:
                raise ValidationError(_("Choose one of your organization's role templates."))
            relationship = services.admin_relationship_create(
                template=template,
                partner=partner,
                customer=customer,
                created_by=request.user,
                display_name=data["display_name"],
                roles=data["roles"],
                duration_days=data["duration_days"],
                auto_extend=data["auto_extend"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The admin relationship %(name)s was created. Finalize the request to send it to the customer.")
                % {"name": relationship.display_name},
            )
            return redirect(_relationship_url(relationship))
    selected = set(form["roles"].value() or [])
    roles = [
        {"value": value, "name": d.name, "description": d.description, "checked": value in selected}
        for value, d in CATALOGUE.items()
    ]
    cancel_url = reverse("customers:detail", args=[customer.public_id]) if customer else reverse(REQUESTS)
    return render(
        request,
        "admin_relationships/relationship_new.html",
        {
            "customer": customer,
            "form": form,
            "roles": roles,
            "ga_name": CATALOGUE[GA].name,
            "cancel_url": cancel_url,
            "templates": [(t, template_rows(t)) for t in templates],
            "template": _chosen_template(form, templates),
        },
        status=400 if form.errors else 200,
    )


def _chosen_template(form: AdminRelationshipForm, templates: list[RoleTemplate]) -> RoleTemplate | None:
    value = str(form["template"].value() or "")
    return next((t for t in templates if str(t.public_id) == value), None)


def _relationship_url(relationship: AdminRelationship, action: str = "") -> str:
    """A relationship's page (or its `action`: "_finalize", "_send"): under its customer's page, or among the
    requests no customer has approved yet."""
    if relationship.customer is None:
        return reverse(f"customers:admin_relationship_request{action}", args=[relationship.public_id])
    return reverse(
        f"customers:admin_relationship{action}", args=[relationship.customer.public_id, relationship.public_id]
    )


@require_http_methods(["GET", "POST"])
def relationship_new(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    partner, customer = customer_for(request, tenant_id, change=True)
    return _request_form(request, partner, customer)


def _render_detail(request: AuthenticatedRequest, found: AdminRelationship) -> HttpResponse:
    relationship = admin_relationships_of(found.partner, found.customer).get(pk=found.pk)
    return render(
        request,
        "admin_relationships/relationship_detail.html",
        {
            "customer": relationship.customer,
            "relationship": relationship,
            "roles": role_rows(relationship.roles),
            "assignments": [(a, role_rows(a.roles)) for a in relationship.live_assignments],  # type: ignore[attr-defined]
            "can_manage": bool(partner_group_kinds(request.user) & MANAGERS),
            "Status": AdminRelationship.Status,
            "changeable": (AdminRelationship.Status.CREATED, AdminRelationship.Status.ACTIVE),
            "has_global_admin": GA in relationship.roles,
            "finalize_url": _relationship_url(relationship, "_finalize"),
            "approval_expires_at": services.approval_expires_at(relationship),
            "template": template_plan(relationship),
            "finalize_form": FinalizeForm(),
        },
    )


@require_GET
def relationship_detail(request: AuthenticatedRequest, tenant_id: UUID, relationship_id: UUID) -> HttpResponse:
    return _render_detail(request, admin_relationship_for(request, tenant_id, relationship_id))


def _render_draft(
    request: AuthenticatedRequest, finalized: FinalizedRelationship, language: str, form: DraftEmailForm | None = None
) -> HttpResponse:
    """The draft email, in the customer's `language`, in the response to the POST that made the link: the token is
    never stored, so this is the one moment it can be shown."""
    relationship = finalized.relationship
    partner = relationship.partner
    link = approval_link(finalized.token)
    with translation.override(language):
        default_message = render_to_string(
            "admin_relationships/draft_message.txt",
            {
                "partner": partner,
                "agent": request.user,
                "link": link,
                "relationship": relationship,
                "roles": role_rows(relationship.roles),
            },
        ).strip()
        subject = _("%(partner)s requests admin roles in your organization") % {"partner": partner.name}
    if form is None:
        form = DraftEmailForm(initial={"token": finalized.token, "message": default_message, "language": language})
    mailto = f"mailto:?subject={quote(subject)}&body={quote(default_message)}"
    base = _relationship_url(relationship)
    response = render(
        request,
        "admin_relationships/draft.html",
        {
            "relationship": relationship,
            "customer": relationship.customer,
            "link": link,
            "form": form,
            "mailto": mailto,
            "email_language": dict(language_choices())[language],
            "send_url": _relationship_url(relationship, "_send"),
            # Done: back to where the request lives (its customer's page, or the requests awaiting approval).
            "done_url": base if relationship.customer else reverse(REQUESTS),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


def _finalize(request: AuthenticatedRequest, relationship: AdminRelationship) -> HttpResponse:
    form = FinalizeForm(request.POST)
    language = form.cleaned_data["language"] if form.is_valid() else current_language()
    try:
        finalized = services.admin_relationship_finalize(relationship=relationship, finalized_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_relationship_url(relationship))
    return _render_draft(request, finalized, language)


@require_POST
def relationship_finalize(request: AuthenticatedRequest, tenant_id: UUID, relationship_id: UUID) -> HttpResponse:
    return _finalize(request, admin_relationship_for(request, tenant_id, relationship_id, change=True))


def _send(request: AuthenticatedRequest, relationship: AdminRelationship) -> HttpResponse:
    back = redirect(_relationship_url(relationship))
    token = request.POST.get("token", "")
    if not token_matches_hash(token, relationship.token_hash):
        # A draft whose link is gone: the customer approved or rejected it, or the page is an old copy.
        messages.error(request, _("This draft's link is no longer valid."))
        return back
    form = DraftEmailForm(request.POST)
    language = supported_language(request.POST.get("language")) or current_language()
    if not form.is_valid():
        return _render_draft(request, FinalizedRelationship(relationship, token), language, form)
    try:
        services.admin_relationship_send(
            relationship=relationship,
            sent_by=request.user,
            token=form.cleaned_data["token"],
            recipient_email=form.cleaned_data["recipient_email"],
            message=form.cleaned_data["message"],
            language=form.cleaned_data["language"],
        )
    except DraftAlreadySent:
        messages.info(request, _("This request was already sent."))
        return back
    except ValidationError as error:
        if getattr(error, "code", None) in ("token", "status"):
            messages.error(request, " ".join(error.messages))
            return back
        _add_errors(form, error)
        return _render_draft(request, FinalizedRelationship(relationship, token), language, form)
    messages.success(
        request,
        _("The email to %(email)s is on its way.") % {"email": form.cleaned_data["recipient_email"]},
    )
    return back


@require_POST
def relationship_send(request: AuthenticatedRequest, tenant_id: UUID, relationship_id: UUID) -> HttpResponse:
    return _send(request, admin_relationship_for(request, tenant_id, relationship_id, change=True))


# --- Requests for customers who are not yet customers (Customers > Request admin relationship) ------------------

REQUESTS = "customers:admin_relationship_requests"


@require_GET
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    """Admin relationship requests awaiting approval: the partner's requests that no customer has approved yet (once
    a customer's Global admin approves one, it is on that customer's page, and the customer on Customers)."""
    partner = partner_for_requests(request)
    page = Paginator(pending_requests_of(partner), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "admin_relationships/request_list.html",
        {
            "page": page,
            "rows": [(relationship, services.approval_expires_at(relationship)) for relationship in page],
            "can_manage": bool(partner_group_kinds(request.user) & MANAGERS),
        },
    )


@require_http_methods(["GET", "POST"])
def request_new(request: AuthenticatedRequest) -> HttpResponse:
    return _request_form(request, partner_for_requests(request, change=True), None)


@require_GET
def request_detail(request: AuthenticatedRequest, relationship_id: UUID) -> HttpResponse:
    return _render_detail(request, admin_relationship_request_for(request, relationship_id))


@require_POST
def request_finalize(request: AuthenticatedRequest, relationship_id: UUID) -> HttpResponse:
    return _finalize(request, admin_relationship_request_for(request, relationship_id, change=True))


@require_POST
def request_send(request: AuthenticatedRequest, relationship_id: UUID) -> HttpResponse:
    return _send(request, admin_relationship_request_for(request, relationship_id, change=True))


def _detail(tenant_id: UUID, relationship_id: UUID) -> HttpResponse:
    return redirect("customers:admin_relationship", tenant_id=tenant_id, relationship_id=relationship_id)


@require_http_methods(["GET", "POST"])
def assignment_new(request: AuthenticatedRequest, tenant_id: UUID, relationship_id: UUID) -> HttpResponse:
    """Security groups > Add security groups: one of the partner's groups and the roles it gets (some of the
    relationship's). Saved pending; a task activates it seconds later."""
    relationship = admin_relationship_for(request, tenant_id, relationship_id, change=True)
    if relationship.status != AdminRelationship.Status.ACTIVE:
        messages.error(request, _("Only an active admin relationship gives roles to security groups."))
        return _detail(tenant_id, relationship_id)
    form = AccessAssignmentForm(request.POST if request.method == "POST" else None)
    groups = list(partner_groups(relationship.partner))
    if request.method == "POST" and form.is_valid():
        group = next((g for g in groups if g.public_id == form.cleaned_data["security_group"]), None)
        try:
            if group is None:
                raise ValidationError({"security_group": _("Choose one of your organization's security groups.")})
            services.access_assignment_create(
                relationship=relationship,
                security_group=group,
                roles=form.cleaned_data["roles"],
                created_by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The roles of %(group)s are being activated. This takes a few seconds.") % {"group": group.name},
            )
            return _detail(tenant_id, relationship_id)
    selected = set(form["roles"].value() or [])
    return render(
        request,
        "admin_relationships/assignment_new.html",
        {
            "customer": relationship.customer,
            "relationship": relationship,
            "form": form,
            "groups": groups,
            "chosen_group": str(form["security_group"].value() or ""),
            "roles": [{**row, "checked": row["value"] in selected} for row in role_rows(relationship.roles)],
        },
        status=400 if form.errors else 200,
    )


def _assignment_for(relationship: AdminRelationship, assignment_id: UUID) -> AccessAssignment:
    """An assignment of this relationship that is not deleted; 404 for any other (another relationship's, another
    partner's), the same answer for "missing" and "not yours"."""
    assignment = (
        AccessAssignment.objects.filter(public_id=assignment_id, relationship=relationship)
        .exclude(status=AccessAssignment.Status.DELETED)
        .select_related("security_group")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


@require_http_methods(["GET", "POST"])
def assignment_edit(
    request: AuthenticatedRequest, tenant_id: UUID, relationship_id: UUID, assignment_id: UUID
) -> HttpResponse:
    """Edit roles: the relationship's roles as checkboxes, the assignment's checked. Saved pending; the task activates
    the new roles seconds later."""
    relationship = admin_relationship_for(request, tenant_id, relationship_id, change=True)
    assignment = _assignment_for(relationship, assignment_id)
    if relationship.status != AdminRelationship.Status.ACTIVE:
        messages.error(request, _("Only an active admin relationship gives roles to security groups."))
        return _detail(tenant_id, relationship_id)
    form = AccessAssignmentRolesForm(
        request.POST if request.method == "POST" else None, initial={"roles": assignment.roles}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.access_assignment_update(
                assignment=assignment, roles=form.cleaned_data["roles"], changed_by=request.user
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "status":
                messages.error(request, " ".join(error.messages))
                return _detail(tenant_id, relationship_id)
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The new roles of %(group)s are being activated. This takes a few seconds.")
                % {"group": assignment.security_group.name},
            )
            return _detail(tenant_id, relationship_id)
    selected = set(form["roles"].value() or [])
    return render(
        request,
        "admin_relationships/assignment_edit.html",
        {
            "customer": relationship.customer,
            "relationship": relationship,
            "assignment": assignment,
            "form": form,
            "roles": [{**row, "checked": row["value"] in selected} for row in role_rows(relationship.roles)],
        },
        status=400 if form.errors else 200,
    )


def _confirmation(request: AuthenticatedRequest, relationship: AdminRelationship, **words) -> HttpResponse:
    """A confirmation page of a change to an admin relationship, under the relationship; Cancel goes back to it."""
    customer = relationship.customer
    assert customer is not None  # only a customer's relationship has security groups and roles to take away
    back = _relationship_url(relationship)
    facts = [
        (_("Customer"), customer.name),
        (_("Admin relationship name"), relationship.display_name),
        *words.pop("facts", []),
    ]
    breadcrumb = [
        (_("Customers"), reverse("customers:list")),
        (customer.name, reverse("customers:detail", args=[customer.public_id])),
        (relationship.display_name, back),
    ]
    context = {"breadcrumb": breadcrumb, "facts": facts, "cancel_url": back, **words}
    return render(request, "confirm.html", context)


@require_http_methods(["GET", "POST"])
def assignment_remove(
    request: AuthenticatedRequest, tenant_id: UUID, relationship_id: UUID, assignment_id: UUID
) -> HttpResponse:
    """Remove a security group's roles. GET: what it does (its members lose the roles at once), to confirm. POST:
    remove them."""
    relationship = admin_relationship_for(request, tenant_id, relationship_id, change=True)
    assignment = _assignment_for(relationship, assignment_id)
    group = assignment.security_group
    if request.method == "GET":
        customer_name = relationship.customer.name if relationship.customer else ""
        return _confirmation(
            request,
            relationship,
            question=_("Remove the roles of %(group)s?") % {"group": group_label(group)},
            facts=[
                (_("Security group"), group_label(group)),
                (_("Roles"), join_list(role["name"] for role in role_rows(assignment.roles))),
            ],
            consequence=_(
                "The members of %(group)s lose these roles in %(customer)s at once. The admin relationship stays: "
                "to give the group roles again, add it under Security groups."
            )
            % {"group": group_label(group), "customer": customer_name},
            confirm_label=_("Remove"),
        )
    services.access_assignment_remove(assignment=assignment, removed_by=request.user)
    messages.success(request, _("%(group)s no longer has roles in this relationship.") % {"group": group_label(group)})
    return _detail(tenant_id, relationship_id)


@require_http_methods(["GET", "POST"])
def relationship_terminate(request: AuthenticatedRequest, tenant_id: UUID, relationship_id: UUID) -> HttpResponse:
    """Terminate relationship, after a confirmation: every role it gives is gone at once."""
    relationship = admin_relationship_for(request, tenant_id, relationship_id, change=True)
    if request.method == "POST":
        try:
            services.admin_relationship_terminate(
                relationship=relationship, terminated_by=request.user, acting_for=relationship.partner
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The admin relationship %(name)s was terminated.") % {"name": relationship.display_name}
            )
        return _detail(tenant_id, relationship_id)
    return render(
        request,
        "admin_relationships/terminate.html",
        {"customer": relationship.customer, "relationship": relationship},
    )


@require_POST
def relationship_auto_extend(request: AuthenticatedRequest, tenant_id: UUID, relationship_id: UUID) -> HttpResponse:
    """Switch auto-extend on or off (the posted `auto_extend`: "on" or anything else)."""
    relationship = admin_relationship_for(request, tenant_id, relationship_id, change=True)
    auto_extend = request.POST.get("auto_extend") == "on"
    try:
        services.admin_relationship_auto_extend_set(
            relationship=relationship, auto_extend=auto_extend, changed_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Auto extend is on.") if auto_extend else _("Auto extend is off."))
    return _detail(tenant_id, relationship_id)


@require_http_methods(["GET", "POST"])
def relationship_remove_global_admin(
    request: AuthenticatedRequest, tenant_id: UUID, relationship_id: UUID
) -> HttpResponse:
    """Remove Global Administrator. GET: what it does (the security groups lose it at once, for good), to confirm.
    POST: remove it."""
    relationship = admin_relationship_for(request, tenant_id, relationship_id, change=True)
    if request.method == "GET":
        if relationship.status != AdminRelationship.Status.ACTIVE or GA not in relationship.roles:
            messages.error(request, _("This admin relationship doesn't include the Global Administrator role."))
            return _detail(tenant_id, relationship_id)
        customer_name = relationship.customer.name if relationship.customer else ""
        return _confirmation(
            request,
            relationship,
            question=_("Remove Global Administrator from %(name)s?") % {"name": relationship.display_name},
            facts=[(_("Roles"), join_list(role["name"] for role in role_rows(relationship.roles)))],
            consequence=_(
                "Your security groups lose the Global Administrator role in %(customer)s at once; the relationship's "
                "other roles stay. This can't be undone: to have Global Administrator again, request a new admin "
                "relationship."
            )
            % {"customer": customer_name},
            confirm_label=_("Remove Global Administrator"),
        )
    try:
        services.admin_relationship_remove_global_admin(relationship=relationship, removed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The Global Administrator role was removed from this relationship."))
    return _detail(tenant_id, relationship_id)
