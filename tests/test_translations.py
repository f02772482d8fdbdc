"""The Traditional Chinese (zh-Hant) catalogue: complete, not fuzzy, placeholders intact, and the seed article's
zh-TW terms are what the product shows.

The catalogue is read straight from locale/zh_Hant/LC_MESSAGES/django.po and compiled here into a temporary
directory, so these tests check the .po that is committed, whether or not compilemessages has run."""

import ast
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"

# English label -> the seed article's zh-TW term.
SEED_TERMS = {
    "Customers": "客戶",
    "Request a reseller relationship": "要求建立轉銷商關係",
    "Done": "完成",
    "Partner Center": "合作夥伴中心",
    "Admin Agents": "管理代理人",
    "Helpdesk Agents": "技術服務代理人",
    "Sales Agents": "銷售代理人",
    "Global Administrator": "全域管理員",
    "Helpdesk Administrator": "技術服務管理員",
    "reseller relationship": "轉銷商關係",
    "partner": "合作夥伴",
    "tenant": "租用戶",
    "Delegated admin privileges:": "委派的管理員權限：",
}

# Mainland usage that has no place in a Taiwan catalogue, with the Taiwan term.
MAINLAND_TERMS = {
    "鏈接": "連結",
    "設置": "設定",
    "賬戶": "帳戶",
    "賬號": "帳戶",
    "信息": "資訊",
    "登錄": "登入",
    "默認": "預設",
    "軟件": "軟體",
    "服務器": "伺服器",
    "網絡": "網路",
}
# Simplified characters: a zh-Hant string never has them.
SIMPLIFIED = set("户设邮链务请关订阅权删择码录辑览网页个这们为与")

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|</?\w+>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def parse_po(text: str) -> list[Entry]:
    """A small .po reader: enough for what makemessages writes (no polib needed)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry = Entry()
        fields: list[list[str]] = []  # [keyword, value] in file order; continuation lines extend the last one
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[-1][1] += ast.literal_eval(line)
            else:
                keyword, value = line.split(" ", 1)
                fields.append([keyword, ast.literal_eval(value)])
        for keyword, value in fields:
            if keyword.startswith("msgstr"):
                entry.msgstr.append(value)
            else:
                setattr(entry, keyword, value)
        entries.append(entry)
    return entries


def write_mo(entries: list[Entry], path: Path) -> None:
    """Write a GNU .mo file (the format msgfmt produces) from the parsed entries."""
    catalog = {}
    for e in entries:
        if "fuzzy" in e.flags or e.obsolete or not all(e.msgstr):
            continue  # as msgfmt does: such entries fall back to English
        key = e.msgid if e.msgid_plural is None else f"{e.msgid}\0{e.msgid_plural}"
        if e.msgctxt is not None:
            key = f"{e.msgctxt}\x04{key}"
        catalog[key.encode()] = "\0".join(e.msgstr).encode()
    keys = sorted(catalog)
    ids = strs = b""
    offsets = []
    for k in keys:
        offsets.append((len(ids), len(k), len(strs), len(catalog[k])))
        ids += k + b"\0"
        strs += catalog[k] + b"\0"
    start = 7 * 4 + 16 * len(keys)
    table = []
    for id_off, id_len, _, _ in offsets:
        table += [id_len, start + id_off]
    for _, _, str_off, str_len in offsets:
        table += [str_len, start + len(ids) + str_off]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + struct.pack(f"{len(table)}i", *table) + ids + strs)


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO.exists(), f"{PO} is missing: run `make messages`"
    return parse_po(PO.read_text(encoding="utf-8"))


@pytest.fixture
def zh_hant(entries, tmp_path):
    """Activate zh-hant with the catalogue compiled from the committed .po."""
    write_mo(entries, tmp_path / "zh_Hant" / "LC_MESSAGES" / "django.mo")
    with override_settings(LOCALE_PATHS=[tmp_path]), translation.override("zh-hant"):
        yield


def messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid and not e.obsolete]


def test_header(entries):
    header = entries[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Language: zh_Hant\n" in header.msgstr[0]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.msgstr[0]


def test_catalogue_is_not_empty(entries):
    assert len(messages(entries)) > 100


def test_every_msgid_is_translated_and_not_fuzzy(entries):
    untranslated = [e.msgid for e in messages(entries) if not e.msgstr or not all(s.strip() for s in e.msgstr)]
    fuzzy = [e.msgid for e in messages(entries) if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_plurals_use_the_single_chinese_form(entries):
    plurals = [e for e in messages(entries) if e.msgid_plural is not None]
    assert plurals
    for e in plurals:
        assert len(e.msgstr) == 1, e.msgid


def test_placeholders_and_markup_are_kept(entries):
    for e in messages(entries):
        want = sorted(PLACEHOLDER.findall(e.msgid))
        for msgstr in e.msgstr:
            assert sorted(PLACEHOLDER.findall(msgstr)) == want, e.msgid
            assert msgstr.startswith("\n") == e.msgid.startswith("\n"), e.msgid
            assert msgstr.endswith("\n") == e.msgid.endswith("\n"), e.msgid


def test_taiwan_usage(entries):
    for e in messages(entries):
        for msgstr in e.msgstr:
            for wrong, right in MAINLAND_TERMS.items():
                assert wrong not in msgstr, f"{e.msgid!r}: use {right} rather than {wrong}"
            assert not SIMPLIFIED & set(msgstr), f"{e.msgid!r}: simplified characters in {msgstr!r}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_msgfmt_check(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# The translation functions and the positions of their (context, message) arguments.
MARKERS = {
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


def marked_messages(path: Path) -> list[tuple[str | None, str, str]]:
    """(context, msgid, where) of every literal marked for translation in a module, whatever name the translation
    function was imported under: makemessages finds `_`, `gettext` and the others by name only, so a message marked
    through an alias (`gettext_lazy as _l`) is never extracted, and shows in English whatever the language."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions: dict[str, str] = {}  # local name -> translation function
    modules: set[str] = set()  # local names of django.utils.translation
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            functions |= {a.asname or a.name: a.name for a in node.names if a.name in MARKERS}
        elif isinstance(node, ast.ImportFrom) and node.module == "django.utils":
            modules |= {a.asname or a.name for a in node.names if a.name == "translation"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == "django.utils.translation"}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = None
        if isinstance(node.func, ast.Name):
            function = functions.get(node.func.id)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            function = node.func.attr if node.func.value.id in modules and node.func.attr in MARKERS else None
        if function is None:
            continue
        literals = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        context_at, msgid_at = MARKERS[function]
        msgid = literals[msgid_at] if len(literals) > msgid_at else None
        if msgid:
            context = literals[context_at] if context_at is not None else None
            found.append((context, msgid, f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}"))
    return found


def project_modules() -> list[Path]:
    root = Path(settings.BASE_DIR)
    skip = {".venv", "tests", "bench", "staticfiles", "node_modules"}
    return [p for p in root.rglob("*.py") if not skip & set(p.relative_to(root).parts)]


def test_every_marked_message_is_in_the_catalogue(entries):
    catalogue = {(e.msgctxt, e.msgid) for e in messages(entries)}
    marked = [m for path in project_modules() for m in marked_messages(path)]
    assert len(marked) > 300
    missing = [
        f"{where}: {msgid!r}" + (f" (context {context!r})" if context else "")
        for context, msgid, where in marked
        if (context, msgid) not in catalogue
    ]
    assert not missing, "marked for translation but not in the catalogue (an alias makemessages does not know, or "
    "`make messages` not run):\n" + "\n".join(missing)


def test_a_message_marked_through_an_alias_is_found(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    module = tmp_path / "module.py"
    module.write_text(
        "from django.utils import translation\n"
        "from django.utils.translation import gettext_lazy as _l, pgettext_lazy as p_\n"
        "A = _l('Aliased')\nB = p_('date filter', 'From')\nC = translation.gettext('Through the module')\n"
    )
    assert {(c, m) for c, m, _ in marked_messages(module)} == {
        (None, "Aliased"),
        ("date filter", "From"),
        (None, "Through the module"),
    }


# English words that mean different things on different pages, each translated by its context: "From" a date or
# from a sender, "Assigned" licenses (a number) or the date a role was assigned.
WORDS_WITH_MEANINGS = {
    "From": {"start of a date range": "開始日期", "email sender": "寄件者"},
    "To": {"end of a date range": "結束日期", "email recipient": "收件者"},
    "Assigned": {"licenses, a number": "已指派", "date assigned": "指派時間"},
}


def test_words_with_several_meanings_always_say_which(entries):
    bare = [e.msgid for e in messages(entries) if e.msgid in WORDS_WITH_MEANINGS and e.msgctxt is None]
    assert not bare, f"translate these with a context (pgettext, {{% translate ... context ... %}}): {bare}"


@pytest.mark.parametrize(
    ("msgid", "context", "chinese"),
    [
        (msgid, context, chinese)
        for msgid, meanings in WORDS_WITH_MEANINGS.items()
        for context, chinese in meanings.items()
    ],
)
def test_each_meaning_has_its_translation(zh_hant, msgid, context, chinese):
    assert pgettext(context, msgid) == chinese


def test_the_activity_logs_date_filters_read_as_dates(zh_hant):
    from partner_settings.activity_views import ActivityFilterForm

    fields = ActivityFilterForm.base_fields
    assert (str(fields["date_from"].label), str(fields["date_to"].label)) == ("開始日期", "結束日期")


@pytest.mark.parametrize(("english", "chinese"), SEED_TERMS.items())
def test_seed_terms_render_in_zh_hant(zh_hant, english, chinese):
    assert gettext(english) == chinese


def test_seed_labels_in_english_stay_english():
    # Looked up through variables, not literals, so that makemessages does not list this file as a source.
    with translation.override("en"):
        for english in ("Customers", "Request a reseller relationship", "Done"):
            assert gettext(english) == english


CUSTOMER_COUNT = ("%(counter)s customer", "%(counter)s customers")


def test_plural_renders(zh_hant):
    assert ngettext(*CUSTOMER_COUNT, 1) % {"counter": 1} == "1 個客戶"
    assert ngettext(*CUSTOMER_COUNT, 7) % {"counter": 7} == "7 個客戶"


@pytest.mark.parametrize("delegated_admin", [True, False])
def test_draft_email_in_zh_hant(zh_hant, delegated_admin):
    text = render_to_string(
        "relationships/draft_message.txt",
        {
            "partner": SimpleNamespace(name="Fabrikam"),
            "agent": SimpleNamespace(display_name="Megan Bowen"),
            "link": "https://partnercenter.example/invitations/abc/",
            "request": SimpleNamespace(include_delegated_admin=delegated_admin),
        },
    )
    assert "親愛的客戶您好" in text
    assert "Fabrikam 希望成為您的雲端解決方案提供者合作夥伴" in text
    assert "https://partnercenter.example/invitations/abc/" in text
    assert "全域管理員" in text
    assert "Megan Bowen" in text
    assert ("設定 > 合作夥伴關係" in text) is delegated_admin
    assert ("委派的管理員權限" in text) is delegated_admin
    assert "Dear customer" not in text
