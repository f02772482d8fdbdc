"""The icons: Microsoft's Fluent System Icons from the npm package @fluentui/svg-icons, served as static files (only
those the portal uses), painted by app.css under the unchanged Content Security Policy."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse

from partnercenter.icons import ICONS, FluentIconsFinder, file_name, static_path

ROOT = Path(settings.BASE_DIR)
APP_CSS = ROOT / "static" / "css" / "app.css"
# Where an icon is named: {% icon "name" %} in a template, icon_html("name") in Python that writes markup.
TEMPLATE_ICON = re.compile(r"""\{%\s*icon\s+["'](\w+)["']\s*%\}""")
PYTHON_ICON = re.compile(r"""\bicon_html\(\s*["'](\w+)["']\s*\)""")
CSS_URL = re.compile(r"""url\(\s*["']?\.\./(icons/[^"')]+)["']?\s*\)""")
CSS_RULE = re.compile(r"""^\.icon-(\w+) \{ --icon: url\("\.\./(icons/[^"]+)"\); \}$""", re.MULTILINE)

pytestmark = pytest.mark.skipif(
    not Path(settings.FLUENT_ICONS_DIR).is_dir(),
    reason=f"the icons are not installed at {settings.FLUENT_ICONS_DIR}: run `npm ci --ignore-scripts`",
)


def named_in_templates() -> set[str]:
    names = set()
    for path in (ROOT / "templates").rglob("*.html"):
        names |= set(TEMPLATE_ICON.findall(path.read_text()))
    return names


def named_in_python() -> set[str]:
    names = set()
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] not in {".venv", "node_modules", "tests", "bench"}:
            names |= set(PYTHON_ICON.findall(path.read_text()))
    return names


def test_every_icon_the_portal_names_is_in_the_package_and_served_by_the_finder():
    in_markup = named_in_templates() | named_in_python()
    in_css = {Path(path).name for path in CSS_URL.findall(APP_CSS.read_text())}
    assert {"add", "arrow_download", "search", "delete", "dismiss", "people"} <= in_markup
    assert {"chevron_right_20_regular.svg", "chevron_down_20_regular.svg"} <= in_css  # the rows' expanders
    assert in_markup <= ICONS, f"not in partnercenter.icons.ICONS: {sorted(in_markup - ICONS)}"
    # Nothing listed that nothing uses: the list is what collectstatic copies.
    assert {file_name(name) for name in ICONS} == {file_name(name) for name in in_markup} | in_css
    for name in ICONS:
        package_file = Path(settings.FLUENT_ICONS_DIR) / file_name(name)
        assert package_file.is_file(), f"{name}: no {package_file.name} in @fluentui/svg-icons"
        found = finders.find(static_path(name))
        assert found and Path(found).read_bytes() == package_file.read_bytes(), name
        assert Path(found).read_text().startswith("<svg"), name


def test_every_icon_in_markup_has_its_css_rule_and_every_rule_its_file():
    rules = dict(CSS_RULE.findall(APP_CSS.read_text()))
    assert named_in_templates() | named_in_python() <= rules.keys()
    for name, path in rules.items():
        assert path == static_path(name)
    for path in CSS_URL.findall(APP_CSS.read_text()):
        assert finders.find(path), f"app.css refers to {path}, which no finder serves"


def test_only_the_icons_the_portal_uses_are_static_files():
    listed = [path for path, storage in FluentIconsFinder().list([])]
    assert sorted(listed) == sorted(file_name(name) for name in ICONS)
    assert len(list(Path(settings.FLUENT_ICONS_DIR).iterdir())) > 1000  # the package holds thousands
    assert finders.find("icons/airplane_20_regular.svg") is None  # in the package, unused: not served
    assert FluentIconsFinder().find("icons/../../package.json") == []


def test_collectstatic_copies_the_used_icons_alone_and_the_stylesheet_refers_to_their_hashed_names(tmp_path, settings):
    """The production storage (hashed names): collectstatic fails on a stylesheet's reference to a missing icon."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    icons = {path.name for path in (tmp_path / "icons").iterdir()}
    assert {file_name(name) for name in ICONS} <= icons
    assert len(icons) == 2 * len(ICONS)  # each icon and its copy with a hashed name
    css = next((tmp_path / "css").glob("app.*.css")).read_text()
    for name in ICONS:
        assert re.search(rf'url\("\.\./icons/{name}_20_regular\.[0-9a-f]{{12}}\.svg"\)', css), name


def test_the_tag_writes_a_decorative_icon():
    html = Template('{% load icons %}<a class="btn" href="/">{% icon "add" %}Add</a>').render(Context())
    assert html == '<a class="btn" href="/"><span class="icon icon-add" aria-hidden="true"></span>Add</a>'


@pytest.mark.parametrize("tag", ['{% icon "no_such_icon" %}', "{% icon add %}", "{% icon %}", '{% icon "add" "x" %}'])
def test_an_unknown_or_unquoted_icon_fails_when_the_template_is_compiled(tag):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load icons %}" + tag)


def test_with_debug_a_missing_package_is_reported_by_the_checks(tmp_path, settings):
    settings.DEBUG = True
    settings.FLUENT_ICONS_DIR = tmp_path
    [warning] = FluentIconsFinder().check()
    assert warning.id == "partnercenter.W001"
    assert "npm ci --ignore-scripts" in warning.hint
    settings.FLUENT_ICONS_DIR = ROOT / "node_modules" / "@fluentui" / "svg-icons" / "icons"
    assert FluentIconsFinder().check() == []


def test_the_icons_leave_the_content_security_policy_as_it_was(world, client_for):
    """Icons are same-origin images (img-src 'self'), painted by the stylesheet: the policy keeps every directive
    it had, with no inline style or script and no other host."""
    response = client_for("a_admin").get(reverse("customers:list"))
    page = response.content.decode()
    assert '<span class="icon icon-person_add" aria-hidden="true"></span>' in page
    assert '<span class="icon icon-people" aria-hidden="true"></span>' in page
    assert " style=" not in page and "<svg" not in page
    directives = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";") if d.strip())
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self' mailto:",
        "frame-ancestors": "'none'",
    }
