"""Languages: every portal string has an English translation; the switch keeps the page."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import Environment, nodes

from portal.i18n import TRANSLATIONS_DIR, format_day, format_number, format_size

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
# The ops banner has its own fixed Vietnamese text; every other template goes through Babel.
NOT_OURS = ("_notices.html",)


def portal_messages() -> set[str]:
    """Message ids in the portal's Python and templates, as ``make translations`` finds them."""
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "portal"), method_map, options, keywords=KEYWORDS):
        if _file.endswith(NOT_OURS):
            continue
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


TEMPLATES = ROOT / "portal" / "templates"
GETTEXT_CALLS = {"_", "gettext", "ngettext", "lazy_gettext", "_l"}
# Language names stay in their own language in the switcher (WCAG 3.1.2).
ENDONYMS = ("Tiếng Việt",)
# Templates still Vietnamese-only, each being moved to _() by the work that owns it; strike a
# line when its template is done. A template not listed here must have no bare Vietnamese text.
NOT_YET_TRANSLATED = {
    "_notices.html",  # the ops banner's fixed Vietnamese text (NOT_OURS)
}
# Vietnamese inside code examples is what the reader types or sends (a search for "dân số",
# a dataset's title), the same in both languages, not text to translate.
EXAMPLE_DATA = {"api_docs.html": ("không khí", "dân số", "Số trạm quan trắc", "Số trạm 2024")}


def bare_texts(node: nodes.Node, translated: bool = False) -> list[str]:
    """Template text and string constants that no gettext call wraps."""
    texts: list[str] = []
    if isinstance(node, nodes.TemplateData):
        texts.append(node.data)
    elif isinstance(node, nodes.Const) and isinstance(node.value, str) and not translated:
        texts.append(node.value)
    call = (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name)
            and node.node.name in GETTEXT_CALLS)
    for child in node.iter_child_nodes():
        texts += bare_texts(child, translated or call)
    return texts


def untranslated_in(template: Path) -> list[str]:
    """Bare texts of a template with letters beyond ASCII: Vietnamese nobody can translate."""
    environment = Environment(extensions=["jinja2.ext.i18n"])
    found = []
    examples = EXAMPLE_DATA.get(template.name, ())
    for text in bare_texts(environment.parse(template.read_text(encoding="utf-8"))):
        for endonym in ENDONYMS + examples:
            text = text.replace(endonym, "")
        if any(char.isalpha() and not char.isascii() for char in text):
            found.append(text.strip())
    return found


def english_catalogue() -> dict[str, object]:
    path = TRANSLATIONS_DIR / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalogue = read_po(fh, locale="en")
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalogue if m.id}


def test_every_portal_string_has_an_english_translation() -> None:
    english = english_catalogue()
    missing = sorted(m for m in portal_messages()
                     if m not in english or not english[m].string  # type: ignore[attr-defined]
                     or english[m].fuzzy  # type: ignore[attr-defined]
                     or (isinstance(english[m].string, tuple)  # type: ignore[attr-defined]
                         and not all(english[m].string)))  # type: ignore[attr-defined]
    assert not missing, f"untranslated (run `make translations`, then translate): {missing}"


def test_templates_put_their_vietnamese_text_through_gettext() -> None:
    """The extraction above only sees strings inside _(): this finds the ones left outside."""
    offenders = {str(path.relative_to(TEMPLATES)): untranslated_in(path)
                 for path in sorted(TEMPLATES.rglob("*.html"))}
    offenders = {name: texts for name, texts in offenders.items()
                 if texts and name not in NOT_YET_TRANSLATED}
    assert not offenders, f"text outside _() (wrap it, then translate it): {offenders}"


def test_compiled_catalogue_matches_the_po_file() -> None:
    """The committed .mo must be compiled from the committed .po (``make translations``)."""
    with (TRANSLATIONS_DIR / "en" / "LC_MESSAGES" / "messages.mo").open("rb") as fh:
        compiled = read_mo(fh)
    def plain(value: object) -> object:
        return tuple(value) if isinstance(value, (list, tuple)) else value

    # Keyed by (context, id): "số" is "numbers" alone and "number" as a data type.
    compiled_ids = {(m.context, m.id[0] if isinstance(m.id, (list, tuple)) else m.id):
                    plain(m.string) for m in compiled if m.id}
    with (TRANSLATIONS_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        po = read_po(fh, locale="en")
    assert {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id): plain(m.string)
            for m in po if m.id} == compiled_ids


def test_english_switch_keeps_the_page_and_is_remembered(client: FlaskClient) -> None:
    vi = client.get("/organization").get_data(as_text=True)
    assert 'lang="vi"' in vi and "Cơ quan công bố dữ liệu" in vi
    assert 'href="/organization?lang=en"' in vi
    response = client.get("/organization?lang=en")
    en = response.get_data(as_text=True)
    assert 'lang="en"' in en and "Agencies publishing data" in en
    assert "lang=en" in response.headers["Set-Cookie"]
    assert response.headers["Content-Language"] == "en"
    assert "Agencies publishing data" in client.get("/organization").get_data(as_text=True)
    assert "Cơ quan công bố dữ liệu" in client.get("/organization?lang=vi").get_data(
        as_text=True)


def test_switch_link_keeps_query_arguments(client: FlaskClient) -> None:
    html = client.get("/dataset?q=n%C6%B0%E1%BB%9Bc&organization=x").get_data(as_text=True)
    assert 'href="/dataset?q=n%C6%B0%E1%BB%9Bc&amp;organization=x&amp;lang=en"' in html


def test_default_locale_setting(home: Path) -> None:
    from portal import create_app

    app = create_app({"default_locale": "en"}, home=home)
    from portal.cli.home_cmds import initialise

    initialise(app)
    assert "Agencies publishing data" in app.test_client().get(
        "/organization").get_data(as_text=True)


def test_vietnamese_dates_and_numbers(app: Flask) -> None:
    with app.test_request_context("/?lang=vi"):
        assert format_day(date(2026, 3, 2)) == "02/03/2026"
        assert format_number(1234.5) == "1.234,5"
        assert format_size(1_234_567) == "1,2 MB"
    with app.test_request_context("/?lang=en"):
        assert format_day(date(2026, 3, 2)) == "2 Mar 2026"
        assert format_number(1234.5) == "1,234.5"


def test_unknown_language_falls_back(client: FlaskClient) -> None:
    html = client.get("/about?lang=fr").get_data(as_text=True)
    assert 'lang="vi"' in html


def test_skip_link_and_landmarks(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert html.index('class="skip-link" href="#main"') < html.index("<header")
    assert '<main id="main"' in html and "<nav" in html and "<footer" in html


def test_po_file_is_valid_utf8() -> None:
    raw = (TRANSLATIONS_DIR / "en" / "LC_MESSAGES" / "messages.po").read_bytes()
    read_po(io.BytesIO(raw))
    raw.decode("utf-8")


def test_login_page_in_english(client: FlaskClient) -> None:
    html = client.get("/user/login?lang=en").get_data(as_text=True)
    assert "Log in for agency staff" in html and "Đăng nhập cho cán bộ" not in html
    assert "Đăng nhập cho cán bộ cơ quan" in client.get("/user/login?lang=vi").get_data(
        as_text=True)
