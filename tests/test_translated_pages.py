"""Every page in Traditional Chinese has no English left: each page of the isolation matrix that a persona opens
(and each form it sends back with errors) is fetched in English and in zh-Hant, and a piece of visible text that
reads the same in both and holds English words is untranslated, unless its words are the data on the page (names,
addresses, serial numbers: anything stored in the directory) or names that are never translated (Microsoft's
products, the Autopilot file's column titles, language names).

The catalogue is compiled from the committed .po (as in test_translations), so this checks what is committed."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.test import override_settings

from autopilot.csv_import import COLUMN_TITLES

from .conftest import World, world_copy
from .test_isolation_matrix import ROUTES
from .test_translations import PO, parse_po, write_mo

# Who opens each page: partner A's agents of each role, customer X's Global admin and plain user, and the anonymous
# visitor (their pages differ: a disabled link says why, a customer's page has no partner's tools).
PERSONAS = ["a_admin", "a_sales", "a_helpdesk", "x_ga", "x_user", "anon"]

# Names that stay as they are in every language.
NEVER_TRANSLATED = {
    *[
        "Microsoft",
        "Azure",
        "Active",
        "Directory",
        "Entra",
        "Office",
        "Windows",
        "Autopilot",
        "Intune",
        "Teams",
        "Exchange",
        "SharePoint",
    ],
    *[
        "CSV",
        "UTF-8",
        "UTF-16",
        "Windows-1252",
        "Excel",
        "PowerShell",
        "Get-WindowsAutopilotInfo",
        "ID",
        "UUID",
        "TOTP",
        "QR",
    ],
    *(word for title in COLUMN_TITLES.values() for word in title.split()),  # the device file's own format
    "English",  # the language switcher names each language in itself
}
# Data and codes, not words: addresses, links, identifiers, numbers.
NOT_WORDS = re.compile(
    r"[\w.+-]+@[\w.-]+"  # email addresses
    r"|https?://\S+"
    r"|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
    r"|\b[\w-]+(?:\.[\w-]+)+\b"  # domains, file names
    r"|\b(?=\w*\d)\w+\b",  # anything with a digit: serial numbers, codes, numbers
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# Attributes a person reads or hears (a screen reader) as much as the text.
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The pieces of text a person sees or hears on a page, in order."""

    def __init__(self):
        super().__init__()
        self.pieces: list[str] = []
        self._hidden = 0
        self._untranslated: list[str] = []  # open elements marked translate="no"

    # Code (<code>: commands, paths, IDs) is the same in every language, as Microsoft's docs keep it; so is what the
    # page marks translate="no" (HTML's own mark for names and identifiers, such as time zones).
    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style", "code"):
            self._hidden += 1
        elif attributes.get("translate") == "no" and tag not in VOID:
            self._untranslated.append(tag)
            self._hidden += 1
        for name in READ_ATTRIBUTES & attributes.keys():
            self._add(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self._add(attributes.get("value"))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self._hidden -= 1
        elif self._untranslated and self._untranslated[-1] == tag:
            self._untranslated.pop()
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self._add(data)

    def _add(self, text: str | None) -> None:
        text = " ".join((text or "").split())
        if text:
            self.pieces.append(text)


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.pieces


def stored_words() -> set[str]:
    """Every word of every text stored in the project's tables: the data pages show (names, models, descriptions)."""
    words: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"partnercenter", "customers", "relationships", "autopilot"} | {
            "azure_subscriptions",
            "partner_settings",
            "admin_relationships",
        } or model._meta.model_name in {"outboxemail", "localmailboxmessage", "auditevent"}:
            continue
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField)]
        for values in model.objects.values_list(*fields):
            for value in values:
                words.update(WORD.findall(str(value or "")))
    return words


def english_left(english: list[str], chinese: list[str], allowed: set[str]) -> list[str]:
    """The pieces of the zh-Hant page that read exactly as on the English page and hold English words that are not
    data or names."""
    same = set(english)
    left = []
    for piece in chinese:
        if piece not in same:
            continue
        words = {w.strip("'’") for w in WORD.findall(NOT_WORDS.sub(" ", piece))}
        if {w for w in words if len(w) > 1} - allowed:
            left.append(piece)
    return list(dict.fromkeys(left))


@pytest.fixture(scope="module")
def zh_hant_catalogue(tmp_path_factory):
    """The catalogue compiled from the committed .po, in place of the locale directory."""
    folder = tmp_path_factory.mktemp("locale")
    write_mo(parse_po(PO.read_text(encoding="utf-8")), folder / "zh_Hant" / "LC_MESSAGES" / "django.mo")
    with override_settings(LOCALE_PATHS=[folder]):
        yield


@pytest.fixture(scope="module")
def world_with_data(world_per_module, django_db_blocker) -> World:
    """The matrix's world, with what makes pages say more: a device list with a row that has problems (its report),
    an Azure subscription the partner provisioned, a partner user added (the activity log)."""
    from autopilot.models import DeviceSource
    from autopilot.services import device_batch_upload
    from azure_subscriptions.services import azure_subscription_provision
    from partner_settings.services import partner_user_create

    from .autopilot_data import csv_file, good_row

    w = world_per_module
    with django_db_blocker.unblock():
        device_batch_upload(
            customer=w.customer_x,
            name="Office laptops",
            data=csv_file(good_row(1), good_row(2), ",123,,,", "SN9,,,Contoso,"),
            file_name="laptops.csv",
            source=DeviceSource.PARTNER,
            uploaded_by=w.a_admin,
            partner=w.partner_a,
        )
        azure_subscription_provision(partner=w.partner_a, customer=w.customer_x, name="Contoso web", agent=w.a_admin)
        partner_user_create(
            partner=w.partner_a,
            created_by=w.a_admin,
            email="robin@fabrikam.test",
            first_name="Robin",
            last_name="Reyes",
            group_kinds=["sales_agents"],
            language="en",
        )
    return w


@pytest.fixture
def world(db, world_with_data) -> World:
    cache.clear()
    return world_copy(world_with_data)


def _fetch(client, method: str, url: str, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return getattr(client, method)(url)


def _html(response) -> str | None:
    if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
        return None
    return response.content.decode()


# The routes some persona opens (200) or sends a form back to with its errors (400).
PAGES = sorted(name for name, r in ROUTES.items() if any(r.get[p] == 200 or r.post[p] == 400 for p in PERSONAS))


@pytest.mark.parametrize("name", PAGES)
def test_no_english_is_left_on_the_page_in_traditional_chinese(zh_hant_catalogue, world, client_for, name):
    route = ROUTES[name]
    checked, problems = 0, []
    url = route.url(world)  # once: some routes create the object they show
    allowed = NEVER_TRANSLATED | stored_words()
    for persona in PERSONAS:
        for method, status in (("get", 200), ("post", 400)):
            if getattr(route, method)[persona] != status:
                continue
            client = client_for(persona)
            english = _html(_fetch(client, method, url, "en"))
            if english is None:
                continue
            cache.clear()  # sign-in rate limits count the POSTs
            chinese_response = _fetch(client, method, url, "zh-hant")
            chinese = _html(chinese_response)
            # A whole page says its language; a fragment (a row's details, fetched into a page) has no <html> of
            # its own.
            if "<html" in chinese:
                assert 'lang="zh-hant"' in chinese, f"{name} as {persona} is not in zh-Hant"
            left = english_left(visible_text(english), visible_text(chinese), allowed)
            problems += [f"{method.upper()} {name} as {persona}: {piece!r}" for piece in left]
            checked += 1
    assert not problems, "English left in zh-Hant:\n" + "\n".join(problems)
    if not checked:
        pytest.skip(f"{name} answers with a file, not a page")
