"""``javascript:`` and ``data:`` URLs are never rendered as links (issue 15).

Agencies and harvested systems write resource URLs, websites, source addresses and Markdown
descriptions; the portal links only what ``portal.pages.links.safe_href`` keeps.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from portal.pages.links import safe_href

TokenFactory = Callable[..., str]
HOSTILE = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " \x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
]


def _hrefs(html: str) -> list[str]:
    """Every ``href`` and ``src`` a browser would see (parsed, entities decoded)."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend(value or "" for name, value in attrs if name in ("href", "src"))

    Links().feed(html)
    return found


def _is_hostile(href: str) -> bool:
    folded = re.sub(r"[\t\n\r]", "", href).lstrip("".join(chr(c) for c in range(0x21)))
    return folded.lower().startswith(("javascript:", "data:", "vbscript:"))


@pytest.mark.parametrize("url", HOSTILE)
def test_safe_href_refuses_script_and_data_urls(url: str) -> None:
    assert safe_href(url) == ""


@pytest.mark.parametrize("url", ["https://so-tnmt.gov.vn/a.csv", "http://x.vn/",
                                 "mailto:lan@tnmt.gov.vn", "ftp://ftp.x.vn/a.zip",
                                 "/dataset/a", "?page=2", "a.csv"])
def test_safe_href_keeps_ordinary_addresses(url: str) -> None:
    assert safe_href(url) == url


def test_hostile_urls_are_never_links_on_public_pages(client: FlaskClient, catalogue: Catalogue,
                                                     api_token: TokenFactory, org: str) -> None:
    admin = api_token("an", org=org, role="admin")
    sysadmin = api_token("root", sysadmin=True)
    notes = "\n\n".join(f"[bấm vào đây {i}]({url.strip()})" for i, url in enumerate(HOSTILE))
    notes += "\n\n<a href=\"javascript:alert(2)\">html</a>"
    created = client.post("/api/3/action/package_create", headers={"Authorization": admin}, json={
        "name": "lien-ket-doc", "title": "Liên kết độc", "owner_org": org, "notes": notes,
        "license_id": "CC-BY-4.0", "tags": [{"name": "an-toan"}],
        "resources": [{"url": url, "name": f"tệp {i}", "format": "CSV"}
                      for i, url in enumerate(HOSTILE)]})
    assert created.status_code == 200, created.get_json()
    resources = created.get_json()["result"]["resources"]
    patched = client.post("/api/3/action/organization_patch", headers={"Authorization": sysadmin},
                          json={"id": org, "website": "javascript:alert('web')"})
    assert patched.status_code == 200, patched.get_json()

    pages = ["/dataset/lien-ket-doc", f"/organization/{org}"]
    pages += [f"/dataset/lien-ket-doc/resource/{r['id']}" for r in resources]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        hostile = [h for h in _hrefs(response.get_data(as_text=True)) if _is_hostile(h)]
        assert hostile == [], (path, hostile)
    # The description still reads: the link text stays, only the link goes.
    assert "bấm vào đây 0" in client.get("/dataset/lien-ket-doc").get_data(as_text=True)
    # And the download route does not redirect there either.
    for res in resources:
        download = client.get(f"/dataset/lien-ket-doc/resource/{res['id']}/download")
        assert download.status_code == 404, download.headers.get("Location")
