"""Sở Công Thương Cà Mau: an agency SQL database (SQLite), harvested by tables and named queries."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

from ..meta import DatasetMeta, GeneratedSource
from .datasets import QUERIES, TABLES
from .tables import SCHEMA, table_rows

ORG = "so-cong-thuong-ca-mau"


def _entry(meta: DatasetMeta, **where: str) -> dict[str, Any]:
    # Where the rows come from (table or query) goes right after the name.
    return {"name": meta.name, **where, **meta.as_entry()}


def generate(target: Path, rng: random.Random) -> GeneratedSource:
    """Write target/cong-thuong/congthuong.sqlite; return the harvest entry, tables and queries."""
    folder = target.resolve() / "cong-thuong"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "congthuong.sqlite"
    path.unlink(missing_ok=True)
    source = GeneratedSource(
        config={
            "name": "ca-mau-csdl-cong-thuong",
            "title": "Cơ sở dữ liệu ngành Công Thương tỉnh Cà Mau",
            "type": "sql",
            "dsn": f"sqlite:///{path}",
            "organization": ORG,
            "schedule": "daily",
            "default_license": "CC-BY-4.0",
            "default_groups": ["cong-thuong"],
            "publish": "auto",
        }
    )
    tables = table_rows(rng)
    connection = sqlite3.connect(path)
    try:
        connection.executescript(SCHEMA)
        for table, rows in tables.items():
            marks = ", ".join("?" * len(rows[0]))
            connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        connection.commit()
    finally:
        connection.close()

    for table, meta in TABLES:
        source.subtables.append(("table", _entry(meta, table=table)))
        source.rows[meta.name] = len(tables[table])

    for meta, sql in QUERIES:
        source.subtables.append(("query", _entry(meta, sql=sql)))
        connection = sqlite3.connect(path)
        try:
            source.rows[meta.name] = len(connection.execute(sql).fetchall())
        finally:
            connection.close()
    return source
