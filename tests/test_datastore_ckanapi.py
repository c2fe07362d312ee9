"""The real ``ckanapi`` client against a live dulieumo, DataStore actions unchanged (issue 21):
a table uploaded with ckanapi, loaded, then searched, paged, queried with SQL and described
as CKAN 2.10/2.11 clients do."""

from __future__ import annotations

from pathlib import Path

import ckanapi
import pytest
from conftest import TokenFactory
from datastore_setup import communes_slice, run_loads
from flask import Flask
from test_ckanapi_client import live_url  # noqa: F401  (the live server fixture)


def test_ckanapi_datastore_search_sql_and_info(app: Flask, live_url: str,  # noqa: F811
                                               api_token: TokenFactory, org: str,
                                               tmp_path: Path) -> None:
    token = api_token("an", org=org, role="admin")
    with ckanapi.RemoteCKAN(live_url, apikey=token) as portal:
        portal.action.package_create(name="don-vi-hanh-chinh", title="Đơn vị hành chính",
                                     owner_org=org, license_id="CC-BY-4.0")
        with communes_slice(tmp_path).open("rb") as fh:
            resource = portal.action.resource_create(package_id="don-vi-hanh-chinh",
                                                     name="Cấp xã", upload=fh)
    run_loads(app)
    rid = resource["id"]
    with ckanapi.RemoteCKAN(live_url) as anonymous:
        assert anonymous.action.resource_show(id=rid)["datastore_active"] is True
        found = anonymous.action.datastore_search(
            resource_id=rid, filters={"ma_tinh": "04", "loai": ["Phường"]},
            sort="ma_xa desc", fields=["ma_xa", "ten_xa"], limit=2)
        assert found["total"] == 3 and [f["id"] for f in found["fields"]] == ["ma_xa", "ten_xa"]
        assert [r["ma_xa"] for r in found["records"]] == sorted(
            (r["ma_xa"] for r in found["records"]), reverse=True)
        folded = anonymous.action.datastore_search(resource_id=rid, q="dat mui")
        assert [r["ten_xa"] for r in folded["records"]] == ["Xã Đất Mũi"]
        pages, offset = [], 0
        while True:  # how DataStore clients page: offset until a short page
            page = anonymous.action.datastore_search(resource_id=rid, limit=50, offset=offset)
            pages += page["records"]
            if len(page["records"]) < 50:
                break
            offset += 50
        assert len(pages) == 201 and pages[-1]["ma_xa"] == "32248"
        sql = anonymous.action.datastore_search_sql(
            sql=f'SELECT ma_tinh, count(*) AS so_xa FROM "{rid}" GROUP BY ma_tinh '
                "ORDER BY ma_tinh")
        assert [r["so_xa"] for r in sql["records"]] == [126, 56, 18, 1]
        info = anonymous.action.datastore_info(id=rid)
        assert info["meta"]["count"] == 201
        with pytest.raises(ckanapi.ValidationError):
            anonymous.action.datastore_search_sql(sql=f'DELETE FROM "{rid}"')
        with pytest.raises(ckanapi.ValidationError):
            anonymous.action.datastore_search(resource_id=rid, sort="ma_xa; DROP TABLE x")
        with pytest.raises(ckanapi.NotFound):
            anonymous.action.datastore_search(resource_id="khong-co")
        # CKAN's full_text: words over the whole row, as well as q's per-field words
        assert [r["ten_xa"] for r in anonymous.action.datastore_search(
            resource_id=rid, full_text="dat mui")["records"]] == ["Xã Đất Mũi"]
        assert anonymous.action.datastore_search(
            resource_id=rid, full_text="dat mui", q={"ma_tinh": "04"})["total"] == 0
        # A misspelt parameter is refused as CKAN's schema does, never ignored (which would
        # answer every row as if filtered)
        with pytest.raises(ckanapi.ValidationError) as refused:
            anonymous.action.datastore_search(resource_id=rid, filter={"ma_tinh": "04"})
        assert "filter" in str(refused.value)
    with ckanapi.RemoteCKAN(live_url, get_only=True) as reader:
        assert reader.action.datastore_search(resource_id=rid, q="ba dinh")["total"] == 1
