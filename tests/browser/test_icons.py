"""Icons in a real browser, in English and in Traditional Chinese: the command bars and the navigation show their
Fluent icons, each drawn (a box of its own size, painted in the color of its text through the SVG file served from
/static/icons/) under the unchanged CSP; the list's Refresh gives the same list again.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_customers_details import open_customers
from tests.browser.test_reseller_flow import Labels

pytestmark = pytest.mark.browser

LANGUAGES = [("en", "en-US"), ("zh-hant", "zh-TW")]

# Each icon of a container: its size, its mask, and whether it is painted in its text's color.
ICONS = """(container) => [...container.querySelectorAll(".icon")].map((icon) => {
  const box = icon.getBoundingClientRect();
  const style = getComputedStyle(icon);
  const text = getComputedStyle(icon.parentElement).color;
  return {
    name: icon.className, width: box.width, height: box.height, hidden: icon.getAttribute("aria-hidden"),
    mask: style.maskImage || style.webkitMaskImage, painted: style.backgroundColor === text,
  };
})"""


def assert_icons_drawn(container, names: set[str]) -> None:
    icons = container.evaluate(ICONS)
    assert {icon["name"].removeprefix("icon icon-") for icon in icons} >= names
    for icon in icons:
        assert icon["width"] > 0 and icon["height"] > 0, icon
        assert icon["hidden"] == "true", icon
        assert "/static/icons/" in icon["mask"] and icon["mask"].endswith('_20_regular.svg")'), icon
        assert icon["painted"], icon


def watch_icon_files(page: Page) -> dict[str, tuple[int, str]]:
    """The icon files the page loaded: URL → (status, content type)."""
    loaded: dict[str, tuple[int, str]] = {}

    def on_response(response):
        if "/static/icons/" in response.url:
            loaded[response.url] = (response.status, response.headers.get("content-type", ""))

    page.on("response", on_response)
    return loaded


@pytest.mark.parametrize(("language", "locale"), LANGUAGES)
def test_command_bar_and_navigation_show_their_icons(site, live_world, new_context, language, locale):
    world, t = live_world, Labels(language)
    context = new_context(locale)
    page = context.new_page()
    loaded = watch_icon_files(page)
    open_customers(page, t, site, world.a_admin.email)

    toolbar = page.get_by_role("toolbar", name=t("Commands"))
    request = toolbar.get_by_role("link", name=t("Request a reseller relationship"), exact=True)
    expect(request).to_be_visible()  # the words stay; the icon adds none
    assert_icons_drawn(toolbar, {"person_add", "arrow_download", "arrow_clockwise", "search"})
    nav = page.get_by_role("navigation", name=t("Main"))
    expect(nav.get_by_role("link", name=t("Customers"), exact=True)).to_be_visible()
    assert_icons_drawn(nav, {"people", "history"})
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/person_add_20_regular.svg") for url in loaded), loaded
    assert all(status == 200 and kind.startswith("image/svg+xml") for status, kind in loaded.values()), loaded
    context.checker.check(page, "Customers with icons")

    # Refresh: the same list, with its search.
    page.get_by_role("searchbox").fill(world.customer_x.name)
    toolbar.get_by_role("button", name=t("Search"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"[?&]q={re.escape(world.customer_x.name)}(&|$)"))
    searched = page.url
    page.get_by_role("toolbar", name=t("Commands")).get_by_role("link", name=t("Refresh"), exact=True).click()
    expect(page).to_have_url(searched)
    expect(page.get_by_role("searchbox")).to_have_value(world.customer_x.name)
