"""Languages of the portal: Vietnamese by default, English by a switch that keeps the page.

The locale comes from ``?lang=`` (remembered in a cookie), then the cookie, then the
``default_locale`` setting. Message ids are the Vietnamese text; ``translations/en`` holds
the English catalogue. Dates and numbers follow the locale (dd/mm/yyyy, 1.234,5 for vi).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, request
from flask_babel import Babel, get_locale
from flask_babel import format_decimal as babel_decimal
from markupsafe import Markup

LOCALES = ("vi", "en")
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


def select_locale() -> str:
    """?lang=, then the cookie, then the site's default language."""
    from portal.catalogue_ext import catalogue_of

    asked = request.args.get("lang", "")
    if asked in LOCALES:
        return asked
    if request.blueprint == "embed":  # cached for everyone: the URL alone decides (issue 22)
        return str(catalogue_of().settings.get("default_locale", "vi"))
    remembered = request.cookies.get(COOKIE, "")
    if remembered in LOCALES:
        return remembered
    default: str = catalogue_of().settings.get("default_locale", "vi")
    return default


def current_locale() -> str:
    return str(get_locale() or "vi")


def is_english() -> bool:
    return current_locale() == "en"


def localized(obj: Any, key: str) -> str:
    """``obj[key + "_en"]`` on English pages when it is filled in, else ``obj[key]``."""
    def read(name: str) -> Any:
        if isinstance(obj, dict):
            return obj.get(name)
        return getattr(obj, name, None)

    if is_english():
        english = read(key + "_en")
        if english:
            return str(english)
    value = read(key)
    return "" if value is None else str(value)


def format_day(value: date | datetime | str | None) -> str:
    """dd/mm/yyyy in Vietnamese, e.g. 2 Mar 2026 in English; '' for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    day = value.date() if isinstance(value, datetime) else value
    if is_english():
        return f"{day.day} {day.strftime('%b')} {day.year}"
    return day.strftime("%d/%m/%Y")


def format_moment(value: datetime | str | None) -> str:
    """Date and time (UTC): dd/mm/yyyy HH:MM."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    return f"{format_day(value)} {value.strftime('%H:%M')}"


def format_number(value: float | int | None) -> str:
    """1.234,5 in Vietnamese, 1,234.5 in English."""
    if value is None:
        return ""
    return str(babel_decimal(value))


def format_axis_number(value: float) -> str:
    """A chart tick: 1.234,5 below ten thousand, "27,6 nghìn" / "27.6K" above (issue 19)."""
    from babel.numbers import format_compact_decimal

    if abs(value) >= 10_000:
        english = is_english()
        return str(format_compact_decimal(value, locale="en" if english else "vi",
                                          format_type="short" if english else "long",
                                          fraction_digits=1))
    return format_number(value)


def html_datetime(value: Any) -> str:
    """A ``<time datetime>`` value: the catalogue's naive UTC time (a datetime or its ISO
    text) as HTML's global date and time, milliseconds at most and the zone ``Z``."""
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def vietnamese_lang(obj: Any, key: str) -> Markup:
    """`` lang="vi"`` for an element showing ``localized(obj, key)`` on an English page when
    that text is the Vietnamese original (no English given), so readers and screen readers
    pronounce it right; nothing otherwise."""
    if not is_english():
        return Markup("")
    english = obj.get(key + "_en") if isinstance(obj, dict) else getattr(obj, key + "_en", None)
    return Markup("") if english else Markup(' lang="vi"')


def format_size(size: int | None) -> str:
    """Bytes as kB/MB with the locale's decimal sign."""
    if size is None:
        return ""
    units = ("B", "kB", "MB", "GB", "TB")
    amount = float(size)
    unit = 0
    while amount >= 1000 and unit < len(units) - 1:
        amount /= 1000
        unit += 1
    shown = round(amount) if unit == 0 or amount >= 100 else round(amount, 1)
    return f"{format_number(shown)} {units[unit]}"


def switch_url(locale: str) -> str:
    """The current page in another language: same path and arguments, ``lang`` replaced."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", locale))
    return f"{request.path}?{urlencode(args)}"


def _remember(response: Response) -> Response:
    asked = request.args.get("lang", "")
    if request.blueprint == "embed":  # shared caches keep embeds: no cookie, no Vary: Cookie
        if "text/html" in (response.content_type or ""):
            response.headers["Content-Language"] = current_locale()
        return response
    if asked in LOCALES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True)
    if "text/html" in (response.content_type or ""):
        response.headers["Content-Language"] = current_locale()
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    """Configure Flask-Babel, the locale filters and the language cookie."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DULIEUMO"]["default_locale"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters.update(day=format_day, moment=format_moment, number=format_number,
                                 filesize=format_size, html_datetime=html_datetime)
    app.jinja_env.globals.update(localized=localized, vietnamese_lang=vietnamese_lang,
                                 switch_url=switch_url,
                                 current_locale=current_locale, LOCALES=LOCALES)
    app.after_request(_remember)
