"""What a stranger walking through the demo portal tripped over (the journalist's and the
agency officer's first visit), each fixed and kept fixed here."""

from __future__ import annotations

import re

from explorer_data import run_loads
from flask import Flask
from flask.testing import FlaskClient

from catalogue.accounts.service import create_user
from catalogue.context import Catalogue
from catalogue.datasets import service as datasets
from portal.cli.demo import demo_site_url

YEAR_SCHEMA = {"fields": [
    {"name": "dia_ban", "type": "string", "title": "Địa bàn"},
    {"name": "nam", "type": "year", "title": "Năm"},
    {"name": "khoi_luong", "type": "number", "title": "Khối lượng", "unit": "tấn/ngày"}]}
YEAR_CSV = ("dia_ban,nam,khoi_luong\n"
            + "".join(f"Huyện {n},{year},{1000 + n * 10 + year % 10}\n"
                      for n in range(1, 4) for year in (2022, 2023, 2024))).encode()


def _year_table(catalogue: Catalogue, org: str) -> str:
    with catalogue.unit("test") as uow:
        ds = datasets.create_dataset(uow, {"name": "chat-thai", "title": "Chất thải",
                                           "owner_org": org, "license_id": "CC-BY-4.0"})
        res = datasets.create_resource(
            uow, ds.id, {"name": "Theo huyện", "format": "CSV", "schema": YEAR_SCHEMA,
                         "validation_status": "valid"},
            upload=datasets.Upload(catalogue.files.put_bytes(YEAR_CSV), "chat-thai.csv",
                                   "text/csv"), trusted=True)
        uow.commit()
        resource_id = res.id
    run_loads(catalogue)
    return f"/dataset/chat-thai/resource/{resource_id}"


def test_years_in_the_explorer_are_not_written_as_thousands(
        client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    # The explorer showed the year column as "2.023" and its filter as "2.020 (13)".
    html = client.get(_year_table(catalogue, org) + "?f.nam=2023&lang=vi").get_data(as_text=True)
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    years = [re.findall(r"<td[^>]*>(.*?)</td>", row)[1]
             for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    assert years == ["2023"] * 3
    assert "2.02" not in html
    assert re.search(r'value="2024"> 2024 <span class="count">', html)
    # Amounts keep the reader's separators.
    assert "1.013" in body


def test_the_resource_page_names_column_types_in_words(
        client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    # The field table said "string", "year", "number" on the Vietnamese side.
    path = _year_table(catalogue, org)
    fields = client.get(path + "?lang=vi").get_data(as_text=True).split(
        'id="fields-h"', 1)[1].split("</table>", 1)[0]
    assert ["văn bản", "năm", "số"] == re.findall(r"</td><td>([^<]*)</td><td>(?:tấn/ngày)?</td>",
                                                  fields)


CHOROPLETH_SCHEMA = {"fields": [
    {"name": "tinh", "type": "string", "title": "Tỉnh, thành phố", "title_en": "Province"},
    {"name": "dan_so", "type": "number", "title": "Dân số", "title_en": "Population"}]}
CHOROPLETH_CSV = ("tinh,dan_so\nHà Nội,8587\nĐắk Lắk,3347\nCà Mau,2607\nĐồng Nai,4491\n"
                  "Khánh Hòa,2243\n").encode()


def test_the_choropleth_caption_names_columns_by_their_labels(
        client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    # The caption read "dan_so theo tinh: mỗi địa phương là…" on the page and in embeds.
    with catalogue.unit("test") as uow:
        datasets.create_dataset(uow, {"name": "dan-so-tinh", "title": "Dân số các tỉnh",
                                      "owner_org": org, "license_id": "CC-BY-4.0"})
        res = datasets.create_resource(
            uow, "dan-so-tinh", {"name": "Dân số", "format": "CSV",
                                 "schema": CHOROPLETH_SCHEMA, "validation_status": "valid"},
            upload=datasets.Upload(catalogue.files.put_bytes(CHOROPLETH_CSV), "dan-so.csv",
                                   "text/csv"), trusted=True)
        uow.commit()
        resource_id = res.id
    page = client.get(f"/dataset/dan-so-tinh/resource/{resource_id}?lang=vi").get_data(
        as_text=True)
    # Provinces are drawn as outlines now (issue 22), so the caption says so.
    assert "Dân số theo Tỉnh, thành phố: mỗi tỉnh, thành phố tô màu theo nhóm giá trị" in page
    assert "dan_so theo" not in page
    english = client.get(f"/dataset/dan-so-tinh/resource/{resource_id}?lang=en").get_data(
        as_text=True)
    assert "dan_so" not in english.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0]
    found = re.search(r'href="[^"]*(/embed/dataset/dan-so-tinh/[^"]+/map)\?lang=vi"', page)
    assert found, page
    embed = client.get(found.group(1) + "?lang=vi")
    assert embed.status_code == 200
    assert "Dân số theo Tỉnh, thành phố:" in embed.get_data(as_text=True)


def test_the_demo_names_the_port_it_serves_on_unless_a_site_url_is_set() -> None:
    # `make run PORT=8080`: citations, embed snippets and the API page named port 5000.
    assert demo_site_url("http://127.0.0.1:5000", 8080) == "http://127.0.0.1:8080"
    assert demo_site_url("http://127.0.0.1:5000/", 5000) == "http://127.0.0.1:5000"
    assert demo_site_url("https://data.tinh.gov.vn", 8080) == "https://data.tinh.gov.vn"


def _logged_in_admin(app: Flask, catalogue: Catalogue, org: str) -> FlaskClient:
    password, new = "Sông Đà chảy 47 mùa", "Núi Bài Thơ xanh 2026"
    with catalogue.unit("setup") as uow:
        create_user(uow, name="can-bo", email="can-bo@tnmt.gov.vn", full_name="Cán bộ",
                    password=password, organization=org, role="admin")
        uow.commit()
    client = app.test_client()

    def token(path: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"',
                          client.get(path).get_data(as_text=True))
        assert found
        return found.group(1)

    client.post("/user/login", data={"login": "can-bo", "password": password,
                                     "csrf_token": token("/user/login")})
    client.post("/user/password", data={"password": password, "new_password": new,
                                        "confirm_password": new,
                                        "csrf_token": token("/user/password")})
    return client


def test_the_workspace_shows_a_file_s_size_as_the_public_page_does(
        app: Flask, catalogue: Catalogue, org: str) -> None:
    # The workspace listed "2729" (bytes, unlabelled) where the public page says "2,7 kB".
    big = YEAR_CSV * 20
    with catalogue.unit("test") as uow:
        ds = datasets.create_dataset(uow, {"name": "chat-thai", "title": "Chất thải",
                                           "owner_org": org, "license_id": "CC-BY-4.0"})
        datasets.create_resource(uow, ds.id, {"name": "Theo huyện", "format": "CSV"},
                                 upload=datasets.Upload(catalogue.files.put_bytes(big),
                                                        "chat-thai.csv", "text/csv"),
                                 trusted=True)
        uow.commit()
    html = _logged_in_admin(app, catalogue, org).get(
        "/workspace/dataset/chat-thai?lang=vi").get_data(as_text=True)
    shown = f"{len(big) / 1000:.1f}".replace(".", ",") + " kB"
    assert f"<td>{shown}</td>" in html and f"<td>{len(big)}</td>" not in html


def test_a_chart_of_years_is_labelled_with_years(
        client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    # The chart of a table of years read "01/01/2020 … 31/12/2021 … 01/01/2024".
    html = client.get(_year_table(catalogue, org) + "?lang=vi").get_data(as_text=True)
    chart = html.split('class="chart-figure"', 1)[1].split("</figure>", 1)[0]
    ticks = re.findall(r'text-anchor="(?:start|middle|end)">(\d[^<]*)</text>', chart)
    assert ticks[-3:] == ["2022", "2023", "2024"]
    assert "01/01/" not in chart and "31/12/" not in chart
    assert "2022 – 2024" in chart


def test_type_words_are_not_read_as_other_words_in_english(app: Flask) -> None:
    # "số" and "ngày" alone are "numbers" and "dates" in the English catalogue; a column's
    # type is looked up in its own context, so it falls back to the Vietnamese word until
    # translated rather than borrowing a plural.
    from portal.column_words import type_word

    with app.test_request_context("/?lang=en"):
        assert type_word("number") not in ("numbers",)
        assert type_word("date") not in ("dates",)
        assert type_word("geojson") == "GeoJSON" and type_word("custom") == "custom"


def test_the_workspace_history_names_a_harvest_source_in_words(
        app: Flask, catalogue: Catalogue, org: str) -> None:
    # "Ai: harvest:quang-ninh-quan-trac-moi-truong" read like a log line.
    with catalogue.unit("harvest:quan-trac-moi-truong") as uow:
        datasets.create_dataset(uow, {"name": "khong-khi", "title": "Không khí",
                                      "owner_org": org, "license_id": "CC-BY-4.0"})
        uow.commit()
    html = _logged_in_admin(app, catalogue, org).get(
        "/workspace/dataset/khong-khi?lang=vi").get_data(as_text=True)
    # Each cell is labelled for a phone's one-column reading (issue 19).
    assert '<td data-label="Ai">nguồn thu thập quan-trac-moi-truong</td>' in html
    assert "<td>harvest:" not in html


def test_the_favicon_address_browsers_ask_for_answers(client: FlaskClient) -> None:
    # A browser showing /oembed or an API answer asked for /favicon.ico: a 404 in the log.
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].startswith("/static/favicon.svg")
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()
