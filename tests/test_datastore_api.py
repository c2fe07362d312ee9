"""The CKAN DataStore actions and the dump URL over real uploads (issue 21 items 1-3), on
SQLite and (``--db=postgres``) PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from datastore_setup import add_table, communes_slice, run_loads
from flask import Flask
from flask.testing import FlaskClient

from catalogue.context import Catalogue


@pytest.fixture
def communes(app: Flask, catalogue: Catalogue, org: str, tmp_path: Path) -> str:
    """The real communes file's first 200 rows and its last (``communes_slice``), loaded
    (uploads through the API are tested in test_datastore_jobs and _ckanapi)."""
    resource_id = add_table(catalogue, org, "don-vi-hanh-chinh", communes_slice(tmp_path))
    run_loads(app)
    return resource_id


def _get(client: FlaskClient, action: str, token: str | None = None,
         **params: Any) -> tuple[int, dict[str, Any]]:
    query = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
             for k, v in params.items()}
    headers = {"Authorization": token} if token else {}
    response = client.get(f"/api/3/action/{action}", query_string=query, headers=headers)
    return response.status_code, response.get_json()


def test_search_answers_in_ckan_shape(client: FlaskClient, communes: str) -> None:
    status, body = _get(client, "datastore_search", resource_id=communes, limit=2)
    assert status == 200, body
    result = body["result"]
    assert result["fields"][0] == {"id": "_id", "type": "int"}
    assert {"id": "ma_xa", "type": "text"} in result["fields"]
    assert {"id": "ngay_hieu_luc", "type": "date"} in result["fields"]
    assert result["total"] == 201 and result["total_was_estimated"] is False
    assert result["records"][0]["ma_xa"] == "00004" and len(result["records"]) == 2
    assert result["_links"]["start"].startswith("/api/3/action/datastore_search?")
    assert "offset=2" in result["_links"]["next"]


def test_search_filters_q_sort_and_formats(client: FlaskClient, communes: str) -> None:
    _, body = _get(client, "datastore_search", resource_id=communes,
                   filters={"ma_tinh": ["04", "08"], "loai": "Phường"}, sort="ma_xa desc")
    records = body["result"]["records"]
    assert {r["ten_tinh"] for r in records} == {"Tỉnh Cao Bằng", "Tỉnh Tuyên Quang"}
    assert [r["ma_xa"] for r in records] == sorted((r["ma_xa"] for r in records), reverse=True)
    assert body["result"]["total"] == len(records) == 5
    _, folded = _get(client, "datastore_search", resource_id=communes, q="dong khe")
    assert [r["ten_xa"] for r in folded["result"]["records"]] == ["Xã Đông Khê"]
    _, by_field = _get(client, "datastore_search", resource_id=communes,
                       q={"ten_xa": "Đất Mũi"}, records_format="lists", fields="ma_xa,ten_xa")
    assert by_field["result"]["records"] == [["32248", "Xã Đất Mũi"]]
    _, as_csv = _get(client, "datastore_search", resource_id=communes, limit=1,
                     records_format="csv", fields=["ma_xa", "loai"])
    assert as_csv["result"]["records"] == "00004,Phường\n"


def test_distinct_counts_before_paging(client: FlaskClient, communes: str) -> None:
    _, body = _get(client, "datastore_search", resource_id=communes, fields="loai",
                   distinct="true", limit=1)
    assert body["result"]["total"] == 2 and len(body["result"]["records"]) == 1


def test_info_lists_fields_and_count(client: FlaskClient, communes: str) -> None:
    status, body = _get(client, "datastore_info", id=communes)
    assert status == 200, body
    assert body["result"]["meta"]["count"] == 201
    assert [f["id"] for f in body["result"]["fields"]][:2] == ["ma_xa", "ten_xa"]


def test_package_show_marks_datastore_active(client: FlaskClient, communes: str) -> None:
    _, body = _get(client, "resource_show", id=communes)
    assert body["result"]["datastore_active"] is True


def test_sql_reads_a_public_table(client: FlaskClient, communes: str) -> None:
    status, body = _get(client, "datastore_search_sql",
                        sql=f'SELECT loai, count(*) AS n FROM "{communes}" GROUP BY loai '
                            "ORDER BY n DESC")
    assert status == 200, body
    assert body["result"]["records"][0] == {"loai": "Xã", "n": 145}
    assert "records_truncated" not in body["result"]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xlsx"])
def test_dump_honours_the_view(client: FlaskClient, communes: str, fmt: str) -> None:
    response = client.get(f"/datastore/dump/{communes}", query_string={
        "format": fmt, "filters": json.dumps({"ma_tinh": "96"}), "q": "mui",
        "fields": "ma_xa,ten_xa", "sort": "ma_xa"})
    assert response.status_code == 200, response.data[:300]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        rows = list(load_workbook(io.BytesIO(response.data)).active.values)
        assert rows == [("ma_xa", "ten_xa"), ("32248", "Xã Đất Mũi")]
    elif fmt == "json":
        assert response.get_json()["records"] == [["32248", "Xã Đất Mũi"]]
    else:
        rows = list(csv.reader(io.StringIO(response.data.decode()),
                               delimiter="," if fmt == "csv" else "\t"))
        assert rows == [["ma_xa", "ten_xa"], ["32248", "Xã Đất Mũi"]]


def test_whole_dump_has_every_row(client: FlaskClient, communes: str) -> None:
    response = client.get(f"/datastore/dump/{communes}")
    lines = response.data.decode().splitlines()
    assert len(lines) == 202 and lines[1].startswith("1,00004,")


def test_sql_keeps_percent_signs_colons_and_casts(client: FlaskClient, communes: str) -> None:
    """Text SQLAlchemy or a driver could read as parameters stays the caller's SQL."""
    status, body = _get(client, "datastore_search_sql",
                        sql=f"SELECT ma_xa, '10:30' AS gio, CAST(ma_tinh AS INTEGER) AS so "
                            f"FROM \"{communes}\" WHERE ten_xa LIKE '%Đất Mũi%'")
    assert status == 200, body
    assert body["result"]["records"] == [{"ma_xa": "32248", "gio": "10:30", "so": 96}]


def test_sql_with_and_or_and_everyday_functions_answers_as_postgresql_names_it(
        client: FlaskClient, communes: str) -> None:
    """A WHERE joining conditions with AND/OR (operators sqlglot also models as functions),
    everyday text, number and date functions, and result columns named as PostgreSQL (and
    so CKAN) names them, on both databases."""
    status, body = _get(
        client, "datastore_search_sql",
        sql=f"SELECT loai, count(*), max(length(ma_xa)), left(ma_xa, 2) AS dau, "
            f"concat(ma_tinh, '-', ma_xa) AS ma, round(power(2, 3)) AS tam, "
            f"sum(1) OVER (PARTITION BY loai) "
            f"FROM \"{communes}\" WHERE ma_tinh = '96' AND (loai = 'Xã' OR loai = 'Phường') "
            f"AND ten_xa LIKE '%Mũi%' AND NOT ma_xa IN ('1', '2') GROUP BY loai, ma_xa, ma_tinh")
    assert status == 200, body
    assert body["result"]["records"] == [{"loai": "Xã", "count": 1, "max": 5, "dau": "32",
                                          "ma": "96-32248", "tam": 8, "sum": 1}]
    _, dated = _get(client, "datastore_search_sql",
                    sql=f"SELECT count(*) AS n FROM \"{communes}\" WHERE EXISTS "
                        f"(SELECT 1 FROM \"{communes}\" b WHERE b.ma_xa = '32248')")
    assert dated["result"]["records"] == [{"n": 201}]
