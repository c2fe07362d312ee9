"""What we write out of an agency's table (the stranger's findings): JSON typed by the schema,
CSV with a byte order mark (ours only, never the agency's bytes), charts named by field
titles."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import Upload, create_dataset, create_resource
from catalogue.preview.fields import fields_by_column, typed_value

# The file's header says PM2.5 and Ngày; the schema names the fields pm25 and ngay, with
# titles (Frictionless reads such a file by position).
CSV = ("Ngày,Trạm,PM2.5,Vượt ngưỡng\n" + "".join(
    f"2026-01-0{d},Hạ Long,{d * 3.5},{'true' if d > 4 else 'false'}\n" for d in range(1, 7))
    + "2026-01-07,Hạ Long,,false\n").encode()
SCHEMA = {"fields": [
    {"name": "ngay", "type": "date", "title": "Ngày quan trắc"},
    {"name": "tram", "type": "string", "title": "Trạm"},
    {"name": "pm25", "type": "number", "title": "Bụi mịn PM2.5 (µg/m³)"},
    {"name": "vuot_nguong", "type": "boolean"}]}


@pytest.fixture
def resource(catalogue: Catalogue, org: str) -> str:
    stored = catalogue.files.put_bytes(CSV)
    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": "bui-min", "title": "Bụi mịn", "owner_org": org,
                             "license_id": "CC-BY-4.0"})
        res = create_resource(uow, "bui-min", {"name": "Số liệu", "format": "CSV",
                                               "schema": SCHEMA},
                              upload=Upload(stored, "bui-min.csv", "text/csv"))
        uow.commit()
    return f"/dataset/bui-min/resource/{res.id}"


def test_chart_caption_and_legend_use_the_schema_titles(client: FlaskClient,
                                                        resource: str) -> None:
    page = client.get(resource).get_data(as_text=True)
    caption = re.search(r"<figcaption>(.*?)</figcaption>", page, re.S)
    assert caption is not None
    assert caption[1].startswith("Bụi mịn PM2.5 (µg/m³) theo Ngày quan trắc, 01/01/2026")
    desc = re.search(r"<desc[^>]*>([^<]*)</desc>", page)
    assert desc is not None and desc[1].startswith("Bụi mịn PM2.5 (µg/m³):")


def test_json_download_types_cells_as_the_schema_says(client: FlaskClient,
                                                      resource: str) -> None:
    records = json.loads(client.get(resource + "/convert.json").get_data(as_text=True))
    assert records[0] == {"Ngày": "2026-01-01", "Trạm": "Hạ Long", "PM2.5": 3.5,
                          "Vượt ngưỡng": False}
    assert records[5]["Vượt ngưỡng"] is True
    assert records[6]["PM2.5"] is None  # a missing value is null, not ""


def test_json_download_without_a_schema_keeps_the_text() -> None:
    assert typed_value("35.2", None) == "35.2"


@pytest.mark.parametrize("text, field, value", [
    ("12", {"type": "integer"}, 12),
    ("1.234", {"type": "integer"}, "1.234"),  # not a whole number as written: kept as text
    ("1.234,5", {"type": "number", "decimalChar": ",", "groupChar": "."}, 1234.5),
    ("27,6", {"type": "number"}, 27.6),
    ("không rõ", {"type": "number"}, "không rõ"),  # the file's content is never lost
    ("-", {"type": "number", "missingValues": ["", "-"]}, None),
    ("có", {"type": "boolean", "trueValues": ["có"], "falseValues": ["không"]}, True),
    ("2026-01-01", {"type": "date"}, "2026-01-01"),
])
def test_typed_value(text: str, field: dict[str, object], value: object) -> None:
    assert typed_value(text, field) == value


def test_fields_match_columns_by_name_when_the_schema_does_not_describe_every_column() -> None:
    fields = [{"name": "PM2.5", "type": "number"}]
    assert fields_by_column(["Ngày", " pm2.5 "], fields) == [None, fields[0]]


def test_csv_we_generate_starts_with_a_bom_and_the_agency_file_is_served_as_it_came(
        client: FlaskClient, resource: str) -> None:
    converted = client.get(resource + "/convert.csv")
    assert converted.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert converted.get_data().startswith(b"\xef\xbb\xbfNg\xc3\xa0y,")
    with client.get(resource + "/download/bui-min.csv") as original:
        assert original.get_data() == CSV  # the agency's bytes, no BOM added


def _csrf(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


def test_audit_export_for_excel_starts_with_a_bom(app: Flask, catalogue: Catalogue) -> None:
    from catalogue.accounts.service import create_user

    password, new = "Sông Hồng chảy 47 mùa", "Núi Bài Thơ xanh 2026"
    with catalogue.unit("setup") as uow:
        create_user(uow, name="quan-tri", email="qt@stttt.gov.vn", full_name="Trần Quản Trị",
                    password=password, sysadmin=True)
        uow.commit()
    admin = app.test_client()
    admin.post("/user/login", data={"login": "quan-tri", "password": password,
                                    "csrf_token": _csrf(admin, "/user/login")})
    admin.post("/user/password", data={"password": password, "new_password": new,
                                       "confirm_password": new,
                                       "csrf_token": _csrf(admin, "/user/password")})
    exported = admin.get("/workspace/audit/export.csv")
    assert exported.status_code == 200
    assert exported.get_data().startswith(b"\xef\xbb\xbfseq,")
