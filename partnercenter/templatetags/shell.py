"""The page shell's top bar tools and main navigation, rendered in Python (base.html calls these tags).

Every page shows both, and in the template language they were most of a list page's template time (the Customers
page: about 2 of its 2.5 ms of rendering): a dozen {% url %}, {% translate %} and {% if %} on the resolver match,
the language list, two CSRF fields. Here each is a few format strings; the markup lives here only."""

from functools import cache
from html import escape
from urllib.parse import quote

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from partnercenter.icons import icon_html

from .urls import remembered_reverse

register = template.Library()


@cache
def _languages() -> tuple[tuple[str, str], ...]:
    return tuple((code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES)


def _csrf_field(context) -> str:
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 -- what the CSRF context processor says when it has none
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


@register.simple_tag(takes_context=True)
def topbar_tools(context) -> SafeString:
    """The language choice, and for a signed-in user who it is, its time zone and Sign out."""
    request = context.get("request")
    user = context.get("user")
    path = request.get_full_path() if request is not None else ""
    csrf = _csrf_field(context)
    current = get_language()
    options = "\n".join(
        f'<option value="{code}"{" selected" if code == current else ""} lang="{code}">{escape(name)}</option>'
        for code, name in _languages()
    )
    # The words outside the f-strings: the catalogue's extractor does not look inside them.
    language, change, sign_out = escape(_("Language")), escape(_("Change")), escape(_("Sign out"))
    html = [
        f'<form class="lang-form" action="{remembered_reverse("set_language")}" method="post">{csrf}',
        f'<input type="hidden" name="next" value="{escape(path)}">',
        f'<label for="language-select" class="visually-hidden">{language}</label>',
        f'<select id="language-select" name="language" data-autosubmit>\n{options}\n</select>',
        f'<button type="submit" class="btn btn-small js-hidden">{change}</button>',
        "</form>",
    ]
    if user is not None and user.is_authenticated:
        tenant = f' <span class="whoami-tenant">{escape(user.tenant.name)}</span>' if user.tenant else ""
        zone_label = escape(_("Time zone"))
        zone_url = f"{remembered_reverse('time_zone')}?next={quote(path, safe='/')}"
        html += [
            f'<span class="whoami"><span class="whoami-name">{escape(user.display_name)}</span>{tenant}</span>',
            f'<a class="btn btn-small" href="{escape(zone_url)}" title="{zone_label}">'
            f'<span class="visually-hidden">{zone_label}: </span>'
            f'<span translate="no">{escape(str(timezone.get_current_timezone()))}</span></a>',
            f'<form action="{remembered_reverse("account_logout")}" method="post">{csrf}',
            f'<button type="submit" class="btn btn-small">{sign_out}</button>',
            "</form>",
        ]
    return SafeString("\n".join(html))


def _nav_item(url: str, icon: str, label: str, current: bool) -> str:
    aria = ' aria-current="page"' if current else ""
    return f'<li><a href="{url}"{aria}>{icon}{escape(label)}</a></li>'


@register.simple_tag(takes_context=True)
def main_nav(context) -> SafeString:
    """The left navigation: a partner user's areas, or a customer user's Home (and its admin center), then
    Security; the page's own area marked current. What the user has comes from the context processors (nav_…)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    app, name = (getattr(match, "app_name", "") or ""), (getattr(match, "url_name", "") or "")
    items = []
    if context.get("nav_partner"):
        items.append(
            _nav_item(remembered_reverse("customers:list"), icon_html("people"), _("Customers"), app == "customers")
        )
        if context.get("nav_can_request"):
            items.append(
                _nav_item(
                    remembered_reverse("relationships:request_list"),
                    icon_html("mail_arrow_up"),
                    _("Relationship requests"),
                    name == "request_list",
                )
            )
        if context.get("nav_own_global_admin"):
            current = (app == "partnersettings" and name == "users") or name[:5] == "user_"
            items.append(
                _nav_item(
                    remembered_reverse("partnersettings:users"), icon_html("person"), _("User management"), current
                )
            )
        items.append(
            _nav_item(
                remembered_reverse("partnersettings:security_groups"),
                icon_html("people_team"),
                _("Security groups"),
                app == "partnersettings" and name[:14] == "security_group",
            )
        )
        if context.get("nav_apps"):
            items.append(
                _nav_item(
                    remembered_reverse("partnersettings:apps"),
                    icon_html("apps"),
                    _("Apps"),
                    app == "partnersettings" and name[:3] == "app",
                )
            )
        items.append(
            _nav_item(
                remembered_reverse("roletemplates:list"),
                icon_html("clipboard_task_list_ltr"),
                _("Role templates"),
                app == "roletemplates",
            )
        )
        items.append(
            _nav_item(
                remembered_reverse("partnersettings:activity"),
                icon_html("history"),
                _("Activity log"),
                name == "activity" and app == "partnersettings",
            )
        )
    else:
        items.append(_nav_item(remembered_reverse("home"), icon_html("home"), _("Home"), name == "home"))
        if context.get("nav_admin_center"):
            user = context.get("user")
            url = remembered_reverse("admincenter:home", user.tenant.public_id)
            items.append(_nav_item(url, icon_html("window_wrench"), _("Admin center"), False))
    items.append(
        _nav_item(remembered_reverse("mfa_index"), icon_html("shield_lock"), _("Security"), name == "mfa_index")
    )
    label = escape(_("Main"))
    return SafeString(f'<nav class="leftnav" aria-label="{label}">\n<ul>\n' + "\n".join(items) + "\n</ul>\n</nav>")
