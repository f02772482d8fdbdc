"""Settings > Role templates: a partner's named sets of roles, each going to one of its security groups, that a
request for an admin relationship can start from (its roles preselected; on approval, the groups get their roles).
Every agent reads them; only Admin agents create, edit and delete them."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partnercenter.http import AuthenticatedRequest
from partnercenter.models import Partner
from partnercenter.roles import CATALOGUE

from . import services
from .forms import RoleTemplateForm, form_add_errors, role_field_name
from .models import RoleTemplate
from .rules import can_manage_role_templates, role_template_for, role_templates_for
from .selectors import partner_groups, role_templates_of, template_entries, template_rows


@require_GET
def template_list(request: AuthenticatedRequest) -> HttpResponse:
    partner = role_templates_for(request)
    templates = [(template, template_rows(template)) for template in role_templates_of(partner)]
    return render(
        request,
        "admin_relationships/role_templates.html",
        {"partner": partner, "templates": templates, "can_manage": can_manage_role_templates(request.user)},
    )


def _form_page(
    request: AuthenticatedRequest, partner: Partner, template: RoleTemplate | None, initial: dict | None = None
) -> HttpResponse:
    """Create or edit: the form, or the saved template (POST/redirect/GET)."""
    groups = list(partner_groups(partner))
    data = request.POST if request.method == "POST" else None
    form = RoleTemplateForm(data, initial=initial, groups=groups)
    if data is not None and form.is_valid():
        try:
            if template is None:
                saved = services.role_template_create(
                    partner=partner, created_by=request.user, name=form.cleaned_data["name"], entries=form.entries()
                )
                messages.success(request, _("The role template %(name)s was created.") % {"name": saved.name})
            else:
                saved = services.role_template_update(
                    template=template, changed_by=request.user, name=form.cleaned_data["name"], entries=form.entries()
                )
                messages.success(request, _("The role template %(name)s was saved.") % {"name": saved.name})
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            return redirect("roletemplates:list")
    rows = [
        {"field": form[role_field_name(role)], "description": definition.description}
        for role, definition in CATALOGUE.items()
    ]
    return render(
        request,
        "admin_relationships/role_template_form.html",
        {"form": form, "template": template, "rows": rows},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def template_new(request: AuthenticatedRequest) -> HttpResponse:
    partner = role_templates_for(request, change=True)
    return _form_page(request, partner, None)


@require_http_methods(["GET", "POST"])
def template_edit(request: AuthenticatedRequest, template_id: UUID) -> HttpResponse:
    template = role_template_for(request, template_id, change=True)
    initial = {"name": template.name}
    initial.update(
        {role_field_name(entry.role): str(entry.security_group.public_id) for entry in template_entries(template)}
    )
    return _form_page(request, template.partner, template, initial)


@require_http_methods(["GET", "POST"])
def template_delete(request: AuthenticatedRequest, template_id: UUID) -> HttpResponse:
    """Delete, after a confirmation."""
    template = role_template_for(request, template_id, change=True)
    if request.method == "POST":
        services.role_template_delete(template=template, deleted_by=request.user)
        messages.success(request, _("The role template %(name)s was deleted.") % {"name": template.name})
        return redirect("roletemplates:list")
    return render(request, "admin_relationships/role_template_delete.html", {"template": template})
