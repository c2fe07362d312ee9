"""Search benchmark: index build speed, index size and query latency (issue 4).

    python bench/search.py --sizes 10000 100000 --backends whoosh postgres \
        [--pg-url postgresql+psycopg://...] [--million]

Generates realistic Vietnamese datasets (topics × provinces × years, with
organizations, groups, tags and resource formats), indexes them, then runs a
mix of 200 queries (with and without diacritics, codes, English, filters),
each asking for three facets, and prints docs/s, size, p50/p95/p99 and qps.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalogue.search.analyzer import fold  # noqa: E402
from catalogue.search.backend import SearchBackend, SearchQuery  # noqa: E402

TOPICS = [
    ("Quan trắc chất lượng không khí", "không khí", "moi-truong", "air quality monitoring"),
    ("Quan trắc chất lượng nước mặt", "nước mặt", "moi-truong", "surface water quality"),
    ("Bảng giá đất", "giá đất", "dat-dai", "land prices"),
    ("Bản đồ địa chính", "bản đồ", "dat-dai", "cadastral maps"),
    ("Bản đồ hiện trạng rừng", "lâm nghiệp", "nong-nghiep", "forest status map"),
    ("Giấy phép khai thác khoáng sản", "khoáng sản", "dia-chat", "mining permits"),
    ("Lượng mưa tại các trạm khí tượng thủy văn", "thủy văn", "khi-tuong", "rainfall"),
    ("Diện tích và sản lượng lúa theo vụ", "lúa", "nong-nghiep", "rice production"),
    ("Nuôi trồng thủy sản", "thủy sản", "nong-nghiep", "aquaculture"),
    ("Danh mục di tích lịch sử văn hóa", "du lịch", "van-hoa", "historic sites"),
    ("Cơ sở lưu trú du lịch, khách sạn", "khách sạn", "van-hoa", "hotels"),
    ("Tuyến xe buýt nội tỉnh", "giao thông", "giao-thong", "bus routes"),
    ("Tai nạn giao thông đường bộ", "đường bộ", "giao-thong", "road accidents"),
    ("Trường học các cấp", "giáo dục", "giao-duc", "schools"),
    ("Cơ sở khám bệnh, chữa bệnh", "y tế", "y-te", "health facilities"),
    ("Dân số trung bình theo xã", "dân số", "kinh-te", "population"),
    ("Doanh nghiệp thành lập mới", "doanh nghiệp", "kinh-te", "new enterprises"),
    ("Nhà máy điện mặt trời và điện gió", "năng lượng", "cong-thuong", "solar and wind"),
    ("Kim ngạch xuất khẩu, nhập khẩu", "xuất khẩu", "cong-thuong", "exports and imports"),
    ("Trạm thu phát sóng di động BTS 5G", "viễn thông", "thong-tin", "mobile base stations"),
    ("Giấy phép xả nước thải đạt QCVN 40:2011/BTNMT", "nước thải", "moi-truong",
     "wastewater discharge permits"),
    ("Chất thải rắn sinh hoạt", "rác thải", "moi-truong", "municipal solid waste"),
    ("Hồ chứa, đập thủy lợi", "thủy lợi", "nong-nghiep", "reservoirs and dams"),
    ("Giao dịch thị trường bất động sản", "bất động sản", "xay-dung", "real estate"),
]
PROVINCES = ["Cao Bằng", "Cà Mau", "Sơn La", "Quảng Ninh", "Bình Phước", "Hà Giang", "Lào Cai",
             "Nghệ An", "Thanh Hóa", "Đắk Lắk", "Lâm Đồng", "Hải Phòng", "Đà Nẵng", "Cần Thơ",
             "Bến Tre", "An Giang", "Kiên Giang", "Thừa Thiên Huế", "Quảng Nam", "Gia Lai"]
DISTRICTS = ["thành phố", "huyện Bảo Lạc", "huyện Trùng Khánh", "thị xã", "huyện Năm Căn",
             "huyện Mộc Châu", "huyện Đồng Xoài", "quận Hải Châu"]
AGENCIES = ["so-tnmt", "so-nnptnt", "so-gtvt", "so-ct", "so-yt", "so-gddt", "so-vhttdl",
            "so-xd", "cuc-thong-ke"]
FORMATS = ["CSV", "XLSX", "JSON", "GeoJSON", "SHP", "PDF", "WMS"]


def generate(n: int, seed: int = 4) -> Iterator[dict[str, Any]]:
    """``n`` package dicts; deterministic for a seed."""
    rnd = random.Random(seed)
    for i in range(n):
        title, tag, group, english = rnd.choice(TOPICS)
        province = rnd.choice(PROVINCES)
        year = rnd.randint(2010, 2024)
        slug = "-".join(fold(province.lower()).split())
        agency = rnd.choice(AGENCIES)
        day = rnd.randint(1, 28)
        stamp = f"{year}-{rnd.randint(1, 12):02d}-{day:02d}T08:00:00"
        yield {
            "id": f"bench-{i:07d}", "name": f"ds-{i:07d}",
            "title": f"{title} {rnd.choice(DISTRICTS)} tỉnh {province} năm {year}",
            "title_en": f"{english.capitalize()}, {fold(province)} {year}",
            "notes": (f"Số liệu {tag} của tỉnh {province} năm {year}, do "
                      f"{agency.upper()} tổng hợp định kỳ; gồm {rnd.randint(3, 90)} chỉ tiêu."),
            "tags": [{"name": tag}, {"name": rnd.choice(TOPICS)[1]}, {"name": str(year)}],
            "organization": {"name": f"{agency}-{slug}", "title": f"{agency} {province}"},
            "groups": [{"name": group, "title": group}],
            "resources": [{"name": f"Dữ liệu {tag}", "format": rnd.choice(FORMATS),
                           "description": ""} for _ in range(rnd.randint(1, 3))],
            "license_id": rnd.choice(["cc-by-4.0", "odc-by", "other-open"]),
            "metadata_created": stamp, "metadata_modified": stamp,
            "state": "active" if rnd.random() > 0.03 else "draft",
            "private": rnd.random() < 0.05, "spatial": province,
            "temporal_start": f"{year}-01-01", "temporal_end": f"{year}-12-31",
        }


def queries(count: int = 200, seed: int = 7) -> list[SearchQuery]:
    """A mix of what people type: topics, places, folded text, codes, English, filters."""
    rnd = random.Random(seed)
    texts = [t[1] for t in TOPICS] + [t[0].split(",")[0] for t in TOPICS]
    texts += [fold(t) for t in texts] + ["QCVN 40", "5G", "air quality", "land prices",
                                         "ban do Cao Bang", "gia dat 2020"]
    texts += [f"{rnd.choice(TOPICS)[1]} {rnd.choice(PROVINCES)}" for _ in range(40)]
    result = []
    for _ in range(count):
        filters: dict[str, list[str]] = {}
        if rnd.random() < 0.2:
            filters["res_format"] = [rnd.choice(FORMATS)]
        if rnd.random() < 0.1:
            filters["year"] = [str(rnd.randint(2010, 2024))]
        q = "" if rnd.random() < 0.03 else rnd.choice(texts)
        result.append(SearchQuery(q=q, filters=filters, rows=20,
                                  facet_fields=["organization", "tags", "res_format"]))
    return result


def make_backend(name: str, workdir: Path, pg_url: str | None) -> SearchBackend:
    if name == "whoosh":
        from catalogue.search.whoosh_backend import WhooshBackend
        return WhooshBackend(workdir / "whoosh")
    if not pg_url:
        raise SystemExit("--pg-url is needed for the postgres backend")
    from catalogue.search.postgres_backend import PostgresBackend
    backend = PostgresBackend(pg_url)
    backend.clear()
    return backend


def size_of(name: str, workdir: Path, backend: SearchBackend) -> str:
    if name == "whoosh":
        total = sum(p.stat().st_size for p in (workdir / "whoosh").iterdir())
        return f"{total / 1e6:.1f} MB"
    from sqlalchemy import text
    engine = backend.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        total = conn.execute(text("SELECT pg_total_relation_size('search_documents') + "
                                  "pg_total_relation_size('search_lexicon')")).scalar_one()
    return f"{total / 1e6:.1f} MB"


def run(name: str, size: int, pg_url: str | None, batch: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="dulieumo-bench-"))
    try:
        backend = make_backend(name, workdir, pg_url)
        started = time.perf_counter()
        docs = list(generate(size))
        for start in range(0, size, batch):
            backend.index_documents(docs[start:start + batch])
        if hasattr(backend, "optimize"):
            backend.optimize()
        build = time.perf_counter() - started
        mix = queries()
        backend.search(mix[0])  # warm caches once, as a running portal would be
        latencies = []
        began = time.perf_counter()
        for sq in mix:
            t0 = time.perf_counter()
            backend.search(sq)
            latencies.append((time.perf_counter() - t0) * 1000)
        wall = time.perf_counter() - began
        cuts = statistics.quantiles(latencies, n=100)
        print(f"{name:8} {size:>8} docs  build {build:7.1f} s ({size / build:6.0f} docs/s)  "
              f"size {size_of(name, workdir, backend):>9}  p50 {cuts[49]:6.1f} ms  "
              f"p95 {cuts[94]:6.1f} ms  p99 {cuts[98]:6.1f} ms  {len(mix) / wall:6.1f} q/s",
              flush=True)
        backend.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 datasets")
    parser.add_argument("--backends", nargs="+", default=["whoosh"],
                        choices=["whoosh", "postgres"])
    parser.add_argument("--pg-url", help="SQLAlchemy URL of a scratch PostgreSQL database")
    parser.add_argument("--batch", type=int, default=5000, help="documents per index call")
    args = parser.parse_args(argv)
    sizes = args.sizes + ([1_000_000] if args.million else [])
    for name in args.backends:
        for size in sizes:
            run(name, size, args.pg_url, args.batch)


if __name__ == "__main__":
    main()
