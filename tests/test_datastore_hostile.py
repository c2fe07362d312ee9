"""Hostile input to the datastore (issue 21 items 3 and 7), on SQLite and (``--db=postgres``)
PostgreSQL: SQL injection through every search parameter, SQL statements that write, stack,
reach other tables or run for ever, and tables of resources the caller may not read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import TokenFactory
from datastore_setup import add_table, communes_slice, run_loads
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from catalogue.context import Catalogue
from catalogue.datastore.sql import _authorized
from catalogue.organizations.service import create_organization
from portal.catalogue_ext import datastore_of


@pytest.fixture(autouse=True)
def _tight_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 1 s statement timeout and 1,000-row cap, so attacks are cut quickly."""
    monkeypatch.setenv("DULIEUMO_DATASTORE_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("DULIEUMO_DATASTORE_MAX_ROWS", "1000")


@pytest.fixture
def tables(app: Flask, catalogue: Catalogue, org: str, tmp_path: Path) -> dict[str, str]:
    """A public table, a private one and a draft one, loaded; resource ids by kind."""
    data = communes_slice(tmp_path)
    ids = {"public": add_table(catalogue, org, "cong-khai", data),
           "private": add_table(catalogue, org, "rieng-tu", data, private=True),
           "draft": add_table(catalogue, org, "ban-nhap", data, state="draft")}
    run_loads(app)
    return ids


def _search(client: FlaskClient, token: str | None = None, **params: Any) -> Any:
    query = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
             for k, v in params.items()}
    return client.get("/api/3/action/datastore_search", query_string=query,
                      headers={"Authorization": token} if token else {})


def _sql(client: FlaskClient, sql: str) -> Any:
    return client.post("/api/3/action/datastore_search_sql", json={"sql": sql})


INJECTIONS: list[dict[str, Any]] = [
    {"filters": {"ma_xa\" = '' OR 1=1 --": "x"}},
    {"filters": {"_id": "1 OR 1=1"}},
    {"filters": {"ma_xa": {"$ne": 1}}},
    {"sort": "ma_xa; DROP TABLE x"},
    {"sort": "(SELECT 1)"},
    {"sort": "ma_xa desc nulls first, _id) --"},
    {"fields": ["*"]},
    {"fields": "_id) FROM sqlite_master --"},
    {"q": {"ten_xa\") OR 1=1 --": "a"}},
    {"distinct": "'; DROP TABLE x; --"},
    {"limit": "1; DROP TABLE x"},
]
VALUES_ONLY: list[dict[str, Any]] = [
    {"filters": {"ma_xa": "' OR '1'='1"}},
    {"q": "\") OR 1=1 --"},
    {"q": "ten_xa : NEAR(a b) OR *"},
    {"q": {"ten_xa": "' OR 1=1 --"}},
]


def test_injection_through_search_parameters(client: FlaskClient,
                                             tables: dict[str, str]) -> None:
    """Names (fields, sort, filter keys) that are not the table's are a 400; values are only
    ever values (no row matches them); a resource id is only ever looked up."""
    for params in INJECTIONS:
        response = _search(client, resource_id=tables["public"], **params)
        assert response.status_code == 400, (params, response.get_json())
        assert response.get_json()["success"] is False
    for params in VALUES_ONLY:
        response = _search(client, resource_id=tables["public"], **params)
        assert response.status_code == 200, (params, response.get_json())
        assert response.get_json()["result"]["total"] == 0, params
    for resource_id in ("x' OR '1'='1", "\" OR 1=1 --", "../../etc/passwd"):
        assert _search(client, resource_id=resource_id).status_code == 404


def test_hidden_tables_are_not_searchable_dumpable_or_described(
        client: FlaskClient, catalogue: Catalogue, tables: dict[str, str],
        api_token: TokenFactory) -> None:
    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-gtvt", "title": "Sở Giao thông vận tải"})
        uow.commit()
    outsider = api_token("khach", org="so-gtvt", role="admin")
    for kind in ("private", "draft"):
        hidden = tables[kind]
        for token in (None, outsider):
            headers = {"Authorization": token} if token else {}
            assert _search(client, token, resource_id=hidden).status_code == 404
            assert client.get(f"/datastore/dump/{hidden}", headers=headers).status_code == 404
            assert client.get("/api/3/action/datastore_info", query_string={"id": hidden},
                              headers=headers).status_code == 404


def test_table_metadata_lists_only_the_tables_the_caller_may_read(
        client: FlaskClient, tables: dict[str, str], api_token: TokenFactory, org: str) -> None:
    """CKAN's ``resource_id=_table_metadata`` (how its documentation discovers tables) never
    discloses a private or draft resource's id."""
    def listed(token: str | None) -> set[str]:
        body = _search(client, token, resource_id="_table_metadata").get_json()["result"]
        assert body["total"] == len(body["records"])
        return {r["name"] for r in body["records"]}

    assert listed(None) == {tables["public"]}
    assert listed(api_token("lan", org=org, role="editor")) == set(tables.values())
    refused = _search(client, None, resource_id="_table_metadata", q="x")
    assert refused.status_code == 400


def test_the_owning_agency_reads_its_private_table(client: FlaskClient,
                                                   tables: dict[str, str],
                                                   api_token: TokenFactory, org: str) -> None:
    editor = api_token("lan", org=org, role="editor")
    response = _search(client, editor, resource_id=tables["private"], limit=1)
    assert response.status_code == 200 and response.get_json()["result"]["total"] == 201


def test_sql_cannot_name_hidden_tables(client: FlaskClient, tables: dict[str, str]) -> None:
    public = tables["public"]
    for hidden in (tables["private"], tables["draft"]):
        for sql in (f'SELECT * FROM "{hidden}"',
                    f'SELECT * FROM "{public}" UNION ALL SELECT * FROM "{hidden}"',
                    f'SELECT (SELECT count(*) FROM "{hidden}")',
                    f'WITH h AS (SELECT * FROM "{hidden}") SELECT * FROM h',
                    f'SELECT * FROM "{public}" p JOIN "{hidden}" h ON p._id = h._id'):
            response = _sql(client, sql)
            assert response.status_code == 403, (sql, response.get_json())


NOT_ONE_SELECT = [
    'DELETE FROM "{public}"',
    'UPDATE "{public}" SET ten_xa = \'x\'',
    'INSERT INTO "{public}" (_id) VALUES (999999)',
    'DROP TABLE "{public}"',
    'SELECT 1; DROP TABLE "{public}"',
    'SELECT * FROM "{public}"; SELECT * FROM "{public}"',
    'PRAGMA table_info("{public}")',
    "ATTACH DATABASE '/tmp/evil.db' AS evil",
    "COPY (SELECT 1) TO '/tmp/x'",
    "SET ROLE postgres",
    "SELECT pg_sleep(20)",
    'SELECT pg_read_file(\'/etc/passwd\')',
    "SELECT set_config('statement_timeout', '0', false)",
    "SELECT randomblob(1000000000)",
    "SELECT load_extension('/tmp/evil')",
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
    'SELECT * INTO stolen FROM "{public}"',
    'SELECT * FROM "{public}" FOR UPDATE',
    "SELECT * FROM generate_series(1, 100000000)",
    "SELECT * FROM pragma_table_info('x')",
]
OTHER_TABLES = [
    "SELECT * FROM sqlite_master", "SELECT * FROM main.sqlite_master",
    "SELECT * FROM pg_catalog.pg_user", "SELECT * FROM pg_class",
    "SELECT * FROM information_schema.tables", 'SELECT * FROM "user"',
    "SELECT * FROM public.dataset", "SELECT * FROM dataset", "SELECT * FROM api_token",
    "SELECT * FROM ds_job", "SELECT * FROM datastore.ds_table", "SELECT * FROM ds_indexing",
]


def test_sql_that_is_not_one_harmless_select_is_a_400(client: FlaskClient,
                                                      tables: dict[str, str]) -> None:
    for sql in NOT_ONE_SELECT:
        response = _sql(client, sql.format(public=tables["public"]))
        assert response.status_code == 400, (sql, response.get_json())


def test_sql_cannot_reach_catalogue_or_system_tables(client: FlaskClient,
                                                     tables: dict[str, str]) -> None:
    for sql in OTHER_TABLES:
        assert _sql(client, sql).status_code == 403, sql


def test_long_sql_is_cut_by_the_timeout(client: FlaskClient, tables: dict[str, str]) -> None:
    public = tables["public"]
    response = _sql(client, f'SELECT count(*) FROM "{public}" a, "{public}" b, "{public}" c, '
                            f'"{public}" d, "{public}" e')
    assert response.status_code == 400
    assert "too long" in response.get_json()["error"]["message"]


def test_huge_results_are_capped(client: FlaskClient, tables: dict[str, str]) -> None:
    public = tables["public"]
    response = _sql(client, f'SELECT a._id, b._id FROM "{public}" a, "{public}" b')
    result = response.get_json()["result"]
    assert len(result["records"]) == 1000 and result["records_truncated"] is True
    assert _search(client, resource_id=public, limit=1001).status_code == 400


def test_the_database_itself_refuses_what_the_parser_let_through(
        app: Flask, tables: dict[str, str]) -> None:
    """Defence in depth: statements run on the read connection as the checked SQL would,
    but never parsed: the database's own protections refuse them."""
    store = datastore_of(app).store
    own = store.current(tables["public"])
    assert own is not None
    attempts = [f"DELETE FROM {store.qualified(own.table_name)}",
                "SELECT * FROM " + ("sqlite_master" if store.dialect == "sqlite"
                                    else "public.api_token")]
    for statement in attempts:
        with store.reading() as conn, _authorized(store, conn, {own.table_name}):
            with pytest.raises(DBAPIError):
                conn.execute(text(statement))
