"""Demo-like catalogue content and a live portal server, for the portal and browser tests.

The data mimics what the demo harvest produces (an environmental monitoring series with
provenance, an administrative boundary GeoJSON, a transport list with validation errors),
created through the service layer like any harvester would.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from catalogue.clock import Clock
from catalogue.context import Catalogue
from catalogue.datasets.service import Upload, create_dataset, create_resource, update_resource
from catalogue.organizations.service import create_organization
from portal.catalogue_ext import catalogue_of

AIR_CSV = (
    "ngay,tram,PM2.5,PM10\n"
    "2026-01-01,Hạ Long,35.2,60.1\n"
    "2026-01-02,Hạ Long,41.0,72.3\n"
    "2026-01-03,Hạ Long,28.7,55.0\n"
    "2026-01-04,Hạ Long,52.3,80.4\n"
    "2026-01-05,Hạ Long,47.9,76.8\n"
).encode()
AIR_CSV_V2 = AIR_CSV + "2026-01-06,Hạ Long,39.5,66.0\n".encode()
BUS_CSV = (
    "ten_ben_xe;dia_chi;so_tuyen\n"
    "Bến xe Cao Bằng;Phường Đề Thám;24\n"
    "Bến xe Hòa An;Thị trấn Nước Hai;abc\n"
).encode("utf-8-sig")  # Excel writes a BOM and ";"
BOUNDARY = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"ten": "Cao Bằng"}, "geometry": {
        "type": "Polygon", "coordinates": [[[105.3, 22.4], [106.8, 22.4], [106.8, 23.1],
                                            [105.9, 23.2], [105.3, 22.9], [105.3, 22.4]]]}},
    {"type": "Feature", "properties": {"ten": "Trạm"}, "geometry": {
        "type": "Point", "coordinates": [106.25, 22.66]}}]}, ensure_ascii=False).encode()


@dataclass
class DemoSite:
    """Names and ids the tests look for."""

    air: str = "chat-luong-khong-khi-quang-ninh"
    boundary: str = "ranh-gioi-hanh-chinh-cao-bang"
    bus: str = "danh-sach-ben-xe-cao-bang"
    private: str = "du-lieu-noi-bo-quang-ninh"
    draft: str = "ban-nhap-quang-ninh"
    air_resource: str = ""
    air_v1_sha: str = ""
    air_v2_sha: str = ""
    boundary_resource: str = ""
    bus_resource: str = ""


def _upload(catalogue: Catalogue, data: bytes, filename: str, mimetype: str) -> Upload:
    return Upload(stored=catalogue.files.put_bytes(data), filename=filename, mimetype=mimetype)


def attach_search(app: Flask, index_dir: Path) -> None:
    """Give the app a Whoosh backend while the search wiring (issue 4) is not in create_app."""
    catalogue = catalogue_of(app)
    if catalogue.search is None:
        from catalogue.search.whoosh_backend import WhooshBackend

        catalogue.search = WhooshBackend(index_dir)


def seed(catalogue: Catalogue) -> DemoSite:
    """Two agencies, three public datasets (one with two versions), a private and a draft."""
    site = DemoSite()
    with catalogue.unit("harvest:demo") as uow:
        create_organization(uow, {
            "name": "so-tnmt-quang-ninh", "title": "Sở Tài nguyên và Môi trường Quảng Ninh",
            "title_en": "Quang Ninh Department of Natural Resources and Environment"})
        create_organization(uow, {
            "name": "so-gtvt-cao-bang", "title": "Sở Giao thông vận tải Cao Bằng",
            "title_en": "Cao Bang Department of Transport"})
        create_dataset(uow, {
            "name": site.air, "title": "Chất lượng không khí tại trạm quan trắc Quảng Ninh",
            "title_en": "Air quality at Quang Ninh monitoring stations",
            "notes": "Nồng độ **bụi mịn** PM2.5 và PM10 đo hằng ngày tại trạm Hạ Long.",
            "notes_en": "Daily **fine dust** PM2.5 and PM10 at the Ha Long station.",
            "owner_org": "so-tnmt-quang-ninh", "groups": [{"name": "moi-truong"}],
            "tags": [{"name": "không khí"}, {"name": "quan trắc"}],
            "license_id": "CC-BY-4.0", "update_frequency": "daily", "spatial": "Quảng Ninh",
            "temporal_start": "2026-01-01", "temporal_end": "2026-01-06",
            "harvest_source": "quang-ninh-ckan",
            "source_url": "https://quantrac.quangninh.gov.vn/dataset/khong-khi",
            "retrieved_at": "2026-03-01T23:00:00", "content_hash": "ab" * 32})
        res = create_resource(uow, site.air, {"name": "Số liệu quan trắc", "format": "CSV"},
                              upload=_upload(catalogue, AIR_CSV, "khong-khi.csv", "text/csv"))
        site.air_resource = res.id
        update_resource(uow, res.id, {"validation_status": "valid",
                                      "validation_report": {"error_types": {}, "errors": []}},
                        partial=True, trusted=True)
        create_dataset(uow, {
            "name": site.boundary, "title": "Ranh giới hành chính tỉnh Cao Bằng",
            "title_en": "Administrative boundary of Cao Bang province",
            "notes": "Đường ranh giới tỉnh.", "owner_org": "so-gtvt-cao-bang",
            "groups": [{"name": "do-dac-ban-do"}], "tags": [{"name": "bản đồ"}],
            "license_id": "CC-BY-4.0"})
        geo_res = create_resource(uow, site.boundary, {"name": "Ranh giới", "format": "GeoJSON"},
                                  upload=_upload(catalogue, BOUNDARY, "ranh-gioi.geojson",
                                                 "application/geo+json"))
        site.boundary_resource = geo_res.id
        create_dataset(uow, {
            "name": site.bus, "title": "Danh sách bến xe khách Cao Bằng",
            "title_en": "Coach stations of Cao Bang", "owner_org": "so-gtvt-cao-bang",
            "groups": [{"name": "giao-thong-van-tai"}], "tags": [{"name": "bến xe"}],
            "license_id": "CC-BY-4.0", "harvest_source": "cao-bang-file-share",
            "source_url": "https://sogtvt.caobang.gov.vn/ben-xe.csv",
            "retrieved_at": "2026-03-01T22:00:00"})
        bus = create_resource(uow, site.bus, {"name": "Bến xe", "format": "CSV"},
                              upload=_upload(catalogue, BUS_CSV, "ben-xe.csv", "text/csv"))
        site.bus_resource = bus.id
        update_resource(uow, bus.id, {"validation_status": "invalid", "validation_report": {
            "error_types": {"type-error": 1},
            "errors": [{"type": "type-error", "message": "so_tuyen: 'abc' is not an integer",
                        "row": 3, "field_name": "so_tuyen"}]}}, partial=True, trusted=True)
        create_dataset(uow, {"name": site.private, "title": "Dữ liệu nội bộ không khí",
                             "owner_org": "so-tnmt-quang-ninh", "private": True})
        create_dataset(uow, {"name": site.draft, "title": "Bản nháp không khí",
                             "owner_org": "so-tnmt-quang-ninh", "state": "draft"})
        uow.commit()
    site.air_v1_sha = hashlib.sha256(AIR_CSV).hexdigest()
    # A second version of the air data: a new day appended.
    with catalogue.unit("harvest:demo") as uow:
        update_resource(uow, site.air_resource, {},
                        upload=_upload(catalogue, AIR_CSV_V2, "khong-khi.csv", "text/csv"),
                        partial=True)
        uow.commit()
    site.air_v2_sha = hashlib.sha256(AIR_CSV_V2).hexdigest()
    return site


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def package(catalogue: Catalogue, name: str) -> dict[str, Any]:
    from catalogue.datasets.serialize import package_dict
    from catalogue.datasets.service import get_dataset

    with catalogue.sessions() as session:
        return package_dict(get_dataset(session, name), catalogue.site_url)


@contextmanager
def demo_portal(home: Path, clock: Clock, site_url: str = "http://portal.test"
                ) -> Iterator[tuple[Flask, DemoSite]]:
    """A migrated app with search and the demo content; for module-scoped read-only tests."""
    from portal import create_app
    from portal.cli.home_cmds import initialise

    home.mkdir(parents=True, exist_ok=True)
    app = create_app({"site_url": site_url, "log_json": False}, home=home, clock=clock)
    app.config["TESTING"] = True
    initialise(app)
    attach_search(app, home / "portal-index")
    try:
        yield app, seed(catalogue_of(app))
    finally:
        search = catalogue_of(app).search
        if search is not None and hasattr(search, "close"):
            search.close()
