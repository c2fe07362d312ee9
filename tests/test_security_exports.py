"""Citation downloads stay well-formed whatever a title holds (issue 15).

A title with braces, backslashes, newlines or tags must not end a BibTeX field, start a new
RIS tag (or record), or turn into markup in CSL-JSON. Each is fetched as a reader would.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

TokenFactory = Callable[..., str]
TITLE = ("Thu } chi {ngân sách} \\end{document} \\input{/etc/passwd}\r\nER  - \n"
         "TY  - JOUR\nTI  - giả <script>alert(1)</script> & 100% _x_ ~^$#")
AGENCY = "Sở {Tài chính}\nER  - "


@pytest.fixture
def hostile(client: FlaskClient, api_token: TokenFactory, org: str) -> str:
    sysadmin = api_token("root", sysadmin=True)
    answer = client.post("/api/3/action/organization_patch", headers={"Authorization": sysadmin},
                         json={"id": org, "title": AGENCY})
    assert answer.status_code == 200, answer.get_json()
    answer = client.post("/api/3/action/package_create", headers={"Authorization": sysadmin},
                         json={"name": "tieu-de-doc", "title": TITLE, "owner_org": org,
                               "license_id": "CC-BY-4.0", "notes": "Mô tả"})
    assert answer.status_code == 200, answer.get_json()
    return "tieu-de-doc"


def _braces_balanced(text: str) -> bool:
    depth = 0
    for char in text:  # BibTeX counts braces even after a backslash
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_export_keeps_braces_balanced_and_commands_inert(client: FlaskClient,
                                                               hostile: str) -> None:
    response = client.get(f"/dataset/{hostile}/cite.bibtex")
    assert response.status_code == 200
    bib = response.get_data(as_text=True)
    assert _braces_balanced(bib), bib
    title = next(line for line in bib.splitlines() if line.startswith("  title = "))
    assert "\\end{" not in bib and "\\input{" not in bib
    assert title.endswith("},") and "\\textbraceright{}" in title
    # One field per line: the newline in the title did not make a line of its own.
    assert [line.split(" = ")[0].strip() for line in bib.splitlines()[1:-1]] == [
        "author", "title", "year", "version", "publisher", "howpublished", "url", "urldate",
        "note"]


def test_ris_export_has_one_record_and_one_line_per_tag(client: FlaskClient,
                                                        hostile: str) -> None:
    response = client.get(f"/dataset/{hostile}/cite.ris")
    assert response.status_code == 200
    lines = response.get_data(as_text=True).split("\r\n")
    tags = [line[:2] for line in lines if line]
    assert tags.count("TY") == 1 and tags.count("ER") == 1 and tags.count("TI") == 1
    assert all(len(line) >= 6 and line[2:6] == "  - " for line in lines if line), lines
    assert lines[-2] == "ER  - "


def test_csl_export_is_one_json_item_without_raw_markup(client: FlaskClient,
                                                        hostile: str) -> None:
    response = client.get(f"/dataset/{hostile}/cite.csl")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<" not in text and ">" not in text
    items = json.loads(text)
    assert len(items) == 1
    assert "\n" not in items[0]["title"] and items[0]["title"].startswith("Thu } chi")
    assert "<script>" in items[0]["title"]  # the same words, only encoded
