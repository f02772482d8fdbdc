"""Every list page has a command bar above its list, whoever reads it: its commands with their icons, then Refresh."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PAGER = re.compile(r"""\{% (include "(lists/pages|pagination|autopilot/_pagination)\.html"|list_pages) """)
BAR = '<div class="commandbar" role="toolbar" aria-label="{% translate \'Commands\' %}">'
COMMAND = re.compile(r"""<(a|button)\b[^>]*\bclass="btn\b[^"]*"[^>]*>(.*?)</\1>""", re.DOTALL)

# Pages with a pager that are not lists: the pager itself, an object's page with a list of its parts, a step that
# picks a user, the progress of a device list.
NOT_LIST_PAGES = {
    "lists/pages.html",
    "customers/detail.html",
    "customers/admin_center/subscription_detail.html",
    "customers/admin_center/role_assign.html",
    "autopilot/_batch_body.html",
}
# Lists without the shared pager: short lists shown whole, and Expiring granular relationships (paged its own way).
OTHER_LIST_PAGES = {
    "admin_relationships/expiring.html",
    "customers/admin_center/roles.html",
    "admin_relationships/request_list.html",
    "admin_relationships/role_templates.html",
    "partner_settings/security_groups.html",
    "partner_settings/apps.html",
}


def list_pages() -> list[str]:
    paged = {str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html") if PAGER.search(path.read_text())}
    return sorted((paged - NOT_LIST_PAGES) | OTHER_LIST_PAGES)


def test_every_list_page_has_a_command_bar_above_its_list_always_there_ending_with_refresh():
    pages = list_pages()
    assert len(pages) > 20
    for name in pages:
        text = (TEMPLATES / name).read_text()
        form_bar = 'class="commandbar" role="search"' in text  # the Activity log's filters are its command bar
        start = text.find('class="commandbar" role="search"') if form_bar else text.find(BAR)
        assert start != -1, f"{name}: no command bar"
        assert start < text.find("<table"), f"{name}: the command bar is not above the list"
        # Not inside a condition that would leave some readers without one.
        before = text[:start]
        opened = len(re.findall(r"\{% if ", before)) - len(re.findall(r"\{% endif %\}", before))
        assert opened == 0, f"{name}: the bar is conditional"
        bar = text[start : text.find("</form>" if form_bar else "</div>", start)]
        assert "{% list_refresh %}" in bar, f"{name}: no Refresh"
        for _, command in COMMAND.findall(bar):
            assert "{% icon " in command, f"{name}: a command without its icon: {command}"
