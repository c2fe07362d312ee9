"""The demo agency systems of examples/demo_sources.py: deterministic, valid, no personal data."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import tomllib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import rdflib
from frictionless import Resource, validate
from rdflib.namespace import DCAT, DCTERMS, RDF

from examples.demo_sources import generate_demo_sources, main

NON_PUBLIC = rdflib.URIRef(
    "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC"
)
# A Vietnamese mobile number (03x, 05x, 07x, 08x, 09x; +84 or 0 prefix, optional separators)
# and a 12-digit citizen ID (CCCD), anywhere inside a cell.
MOBILE = re.compile(r"(?<!\d)(?:\+?84|0)[35789](?:[ .-]?\d){8}(?!\d)")
CITIZEN_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_demo_sources(tmp_path_factory.mktemp("demo")).parent


@pytest.fixture(scope="module")
def harvest(demo: Path) -> dict[str, Any]:
    with (demo / "harvest.toml").open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def expected(demo: Path) -> dict[str, Any]:
    sources: dict[str, Any] = json.loads((demo / "expected.json").read_text("utf-8"))["sources"]
    return sources


def _normalised_files(root: Path) -> dict[str, bytes]:
    placeholders = [(root.as_uri().encode(), b"<TARGET-URI>"), (str(root).encode(), b"<TARGET>")]
    files = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for needle, placeholder in placeholders:
            data = data.replace(needle, placeholder)
        files[str(path.relative_to(root))] = data
    return files


def test_generation_is_deterministic(demo: Path, tmp_path: Path) -> None:
    again = generate_demo_sources(tmp_path / "again").parent
    first, second = _normalised_files(demo), _normalised_files(again)
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_another_seed_gives_other_data(demo: Path, tmp_path: Path) -> None:
    other = generate_demo_sources(tmp_path / "other", seed=7).parent
    name = "binh-phuoc/quy-hoach/ke-hoach-su-dung-dat-2024.csv"
    assert (demo / name).read_bytes() != (other / name).read_bytes()


def test_at_least_forty_public_datasets_across_five_systems(
    expected: dict[str, Any],
) -> None:
    assert {s["type"] for s in expected.values()} == {"datapackage", "files", "dcat", "sql"}
    assert len(expected) == 5
    counts = {name: len(source["datasets"]) for name, source in expected.items()}
    assert sum(counts.values()) >= 40
    assert all(count >= 8 for count in counts.values()), counts


def test_harvest_toml_names_each_system_with_absolute_locations(
    demo: Path, harvest: dict[str, Any], expected: dict[str, Any]
) -> None:
    sources = harvest["source"]
    assert isinstance(sources, list)
    organizations = {
        org["name"] for org in json.loads((demo / "organizations.json").read_text("utf-8"))
    }
    for source in sources:
        for key in (
            "name",
            "type",
            "organization",
            "schedule",
            "default_license",
            "default_groups",
        ):
            assert key in source, (source["name"], key)
        assert source["publish"] == "auto"
        assert source["organization"] in organizations
        assert source["name"] in expected
        location = {"datapackage": "path", "files": "path", "dcat": "url", "sql": "dsn"}[
            source["type"]
        ]
        value = source[location]
        local = value.removeprefix("file://").removeprefix("sqlite:///")
        assert Path(local).is_absolute() and Path(local).exists(), value


def test_sql_tables_and_queries_answer(harvest: dict[str, Any], expected: dict[str, Any]) -> None:
    (source,) = [s for s in harvest["source"] if s["type"] == "sql"]
    connection = sqlite3.connect(source["dsn"].removeprefix("sqlite:///"))
    try:
        rows = expected[source["name"]]["datasets"]
        for table in source["table"]:
            count = connection.execute(f'SELECT COUNT(*) FROM "{table["table"]}"').fetchone()[0]
            assert count == rows[table["name"]] > 0
        for query in source["query"]:
            assert len(connection.execute(query["sql"]).fetchall()) == rows[query["name"]] > 0
    finally:
        connection.close()


def test_every_csv_parses_with_only_the_planted_ragged_row(
    demo: Path, expected: dict[str, Any]
) -> None:
    imperfect = {p for source in expected.values() for p in source["imperfect"]}
    ragged = []
    for path in sorted(demo.rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            header, *rows = list(csv.reader(handle, strict=True))
        assert rows, path
        if any(len(row) != len(header) for row in rows):
            ragged.append(str(path.relative_to(demo)))
    assert ragged == ["binh-phuoc/thong-ke/bien-dong-su-dung-dat-2020-2024.csv"]
    assert set(ragged) < imperfect


def test_every_data_package_validates(demo: Path) -> None:
    index = json.loads((demo / "quang-ninh" / "index.json").read_text("utf-8"))
    assert len(index["packages"]) >= 10
    for relative in index["packages"]:
        report = validate(demo / "quang-ninh" / relative)
        assert report.valid, (relative, report.flatten(["type", "note"])[:5])


def test_planted_defects_show_in_validation_reports(demo: Path) -> None:
    found = {}
    for relative in (
        "binh-phuoc/gia-dat/he-so-dieu-chinh-gia-dat-2020-2024.csv",
        "binh-phuoc/thong-ke/bien-dong-su-dung-dat-2020-2024.csv",
    ):
        report = Resource(path=relative, basepath=str(demo)).validate()
        found[relative.rsplit("/", 1)[1]] = report.flatten(["rowNumber", "type"])
    assert found == {
        "he-so-dieu-chinh-gia-dat-2020-2024.csv": [[122, "type-error"]],
        "bien-dong-su-dung-dat-2020-2024.csv": [[54, "extra-cell"]],
    }


def test_some_daily_air_values_exceed_qcvn(demo: Path) -> None:
    path = demo / "quang-ninh/quan-trac-khong-khi-trung-binh-ngay-2023/trung-binh-ngay.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    over = sum(float(row["pm2_5"]) > 50 for row in rows)
    assert 0.02 * len(rows) < over < 0.5 * len(rows)


def test_turtle_catalogue_parses_with_one_non_public_dataset(demo: Path) -> None:
    graph = rdflib.Graph()
    graph.parse(demo / "cao-bang" / "catalog.ttl", format="turtle")
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) >= 10
    hidden = [d for d in datasets if graph.value(d, DCTERMS.accessRights) == NON_PUBLIC]
    assert len(hidden) == 1
    for dataset in datasets:
        assert graph.value(dataset, DCTERMS.identifier) is not None
        titles = {
            t.language
            for t in graph.objects(dataset, DCTERMS.title)
            if isinstance(t, rdflib.Literal)
        }
        assert titles == {"vi", "en"}
        for dist in graph.objects(dataset, DCAT.distribution):
            url = str(graph.value(dist, DCAT.downloadURL))
            assert url.startswith("file://") and Path(url.removeprefix("file://")).is_file(), url


def test_restricted_records_are_marked_in_each_native_format(
    demo: Path, expected: dict[str, Any]
) -> None:
    restricted = {name: source["restricted"] for name, source in expected.items()}
    counts = {expected[name]["type"]: len(names) for name, names in restricted.items()}
    # SQL sources have no marker: a table not named in harvest.toml is simply not harvested.
    assert counts == {"datapackage": 1, "files": 1, "dcat": 1, "sql": 0}
    private = [
        p
        for p in (demo / "quang-ninh").glob("*/datapackage.json")
        if json.loads(p.read_text("utf-8")).get("private") is True
    ]
    assert [p.parent.name for p in private] == restricted["quang-ninh-quan-trac-moi-truong"]
    sidecars = [
        p
        for p in (demo / "binh-phuoc").rglob("*.meta.toml")
        if tomllib.loads(p.read_text("utf-8")).get("restricted") is True
    ]
    assert len(sidecars) == 1
    with (demo / "gtvt-cao-bang" / "catalog.csv").open(encoding="utf-8") as handle:
        marked = [row["name"] for row in csv.DictReader(handle) if row["restricted"] == "true"]
    assert marked == restricted["cao-bang-giao-thong"]


def _cells(demo: Path) -> list[tuple[str, str]]:
    cells = []
    for path in demo.rglob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            cells += [(path.name, value) for row in csv.reader(handle) for value in row]
    for path in demo.rglob("*.xlsx"):
        workbook = openpyxl.load_workbook(path, read_only=True)
        for sheet in workbook.worksheets:
            cells += [
                (path.name, str(v))
                for row in sheet.iter_rows(values_only=True)
                for v in row
                if v is not None
            ]
        workbook.close()
    for path in demo.rglob("*.sqlite"):
        connection = sqlite3.connect(path)
        try:
            tables = [
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            for table in tables:
                for row in connection.execute(f'SELECT * FROM "{table}"'):
                    cells += [(table, str(v)) for v in row if v is not None]
        finally:
            connection.close()
    return cells


def test_no_phone_numbers_or_citizen_ids_in_any_cell(demo: Path) -> None:
    cells = _cells(demo)
    assert len(cells) > 50_000
    hits = [
        (where, value) for where, value in cells if MOBILE.search(value) or CITIZEN_ID.search(value)
    ]
    assert hits == []


def test_organizations_include_one_child(demo: Path) -> None:
    organizations = json.loads((demo / "organizations.json").read_text("utf-8"))
    names = {org["name"] for org in organizations}
    children = [org for org in organizations if org["parent"]]
    assert len(organizations) == 6 and len(children) == 1
    assert children[0]["parent"] in names
    for org in organizations:
        assert set(org) == {
            "name",
            "title",
            "title_en",
            "description",
            "email",
            "website",
            "parent",
        }


def test_module_runs_as_a_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "cli")]) == 0
    assert capsys.readouterr().out.strip() == str((tmp_path / "cli" / "harvest.toml").resolve())
