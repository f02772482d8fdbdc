"""The portal's words: the source article's US English, one name per thing, possessives that read right; and a
zh-Hant that says 您, 管理中心, lists with 、, and has no doubled periods or doubled 的. Read from the committed
catalogue (every msgid of the product is in it), and from the pages where library words show."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from .factories import PASSWORD
from .test_translations import PO, messages, parse_po, write_mo

# UK spellings, each with the article's US spelling.
UK_SPELLINGS = {
    r"\borganis(ation|ations|e|ed|ing)\b": "organiz…",
    r"\blicenc(e|es)\b": "license",
    r"\bpersonalis(e|ed|ation)\b": "personaliz…",
    r"\brecognis(e|ed|es|ing)\b": "recogniz…",
    r"\bauthoris(e|ed|es|ing|ation)\b": "authoriz…",
    r"\bfinalis(e|ed|es|ing)\b": "finaliz…",
    r"\bcatalogue\b": "catalog",
    r"\bcancell(ed|ing)\b": "cancel…",
    r"\bcolour": "color",
    r"\bbehaviour": "behavior",
    r"\bcentre\b": "center",
    r"\bForgotten your password": "Forgot your password?",
}
# One name per thing: the article's.
OTHER_NAMES = {
    r"\btwo-factor\b": "two-step verification",
    r"\bmulti-factor\b": "two-step verification",
    r"\bdelegated administration\b": "delegated admin privileges",
    r"\bdelegated administrator\b": "delegated admin",
}
BROKEN_POSSESSIVE = re.compile(r"(%\(\w+\)s|\{\{[^}]*\}\})['’]s\b")  # "Fabrikam Partners's"
# zh-Hant: what the catalogue never says, with what it says instead.
ZH_WRONG = {
    "你": "您",
    "系統管理中心": "管理中心 (the article's admin center)",
    "。.": "one period",
    ".。": "one period",
    "。。": "one period",
    "的委派的": "委派給…的管理員權限",
    "的的": "one 的",
}


@pytest.fixture(scope="module")
def entries():
    return messages(parse_po(PO.read_text(encoding="utf-8")))


def test_msgids_use_the_articles_us_spelling_and_one_name_per_thing(entries):
    found = [
        f"{e.msgid!r}: use {better}"
        for e in entries
        for text in (e.msgid, e.msgid_plural or "")
        for pattern, better in {**UK_SPELLINGS, **OTHER_NAMES}.items()
        if re.search(pattern, text, re.IGNORECASE)
    ]
    assert not found, "\n".join(found)


def test_no_possessive_of_a_name_that_may_end_in_s(entries):
    found = [e.msgid for e in entries if BROKEN_POSSESSIVE.search(e.msgid + (e.msgid_plural or ""))]
    assert not found, f"say “the Admin Agents of %(partner)s”, not “%(partner)s's Admin Agents”: {found}"


def test_zh_hant_says_您_管理中心_and_has_no_doubled_periods_or_的(entries):
    found = [
        f"{e.msgid!r}: {wrong} in {msgstr!r}; use {better}"
        for e in entries
        for msgstr in e.msgstr
        for wrong, better in ZH_WRONG.items()
        if wrong in msgstr
    ]
    assert not found, "\n".join(found)


def test_the_check_finds_what_it_looks_for():
    """The patterns above catch the words they are about (a check that finds nothing proves nothing)."""
    assert re.search(next(iter(UK_SPELLINGS)), "Your organisation", re.IGNORECASE)
    assert BROKEN_POSSESSIVE.search("%(partner)s's Admin Agents") and BROKEN_POSSESSIVE.search("{{ partner }}'s")
    assert not BROKEN_POSSESSIVE.search("the customer's tenant")


# Pages, in zh-Hant, with the catalogue compiled from the committed .po.


@pytest.fixture
def zh_hant_catalogue(tmp_path):
    write_mo(parse_po(PO.read_text(encoding="utf-8")), tmp_path / "zh_Hant" / "LC_MESSAGES" / "django.mo")
    with override_settings(LOCALE_PATHS=[tmp_path]):
        yield


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_listed_roles_are_separated_by_the_enumeration_comma(world, client_for, zh_hant_catalogue):
    client = client_for("x_ga")
    url = reverse("admincenter:partner_relationships", args=[world.customer_x.public_id])
    page = _text(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hant"))
    assert "全域管理員、技術服務管理員" in page
    assert "Global Administrator, Helpdesk Administrator" in _text(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))


def test_library_words_on_the_sign_in_and_password_pages_say_您(world, zh_hant_catalogue):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    signed_in = _text(
        client.post(reverse("account_login"), {"login": world.x_user.email, "password": PASSWORD}, follow=True)
    )
    assert f"您已以 {world.x_user.display_name} 的身分登入。" in signed_in
    assert "..的" not in signed_in

    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    world.x_user.refresh_from_db()  # signing in changed last_login, which the link's key depends on
    key = default_token_generator.make_token(world.x_user)
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(world.x_user), "key": key})
    set_password = Client(HTTP_ACCEPT_LANGUAGE="zh-hant").get(url, follow=True)
    page = _text(set_password)
    assert "您的密碼必須包含至少" in page
    assert "你" not in page


def test_forgot_your_password_reads_as_on_the_sign_in_page(db):
    with translation.override("en"):
        page = _text(Client().get(reverse("account_reset_password")))
    assert "Forgot your password?" in page and "Forgotten" not in page
