"""The quality score in search (issue 9): indexed with each dataset, kept in step with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset, update_dataset
from catalogue.indexing import rebuild_index, reindex_linked
from catalogue.quality.linkcheck import LinkResult, record_result
from catalogue.search.backend import SearchQuery

LINK = "http://quangninh.test/wqi.csv"


def complete(org: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "chat-luong-nuoc-mat", "title": "Chất lượng nước mặt", "owner_org": org,
        "license_id": "cc-by-4.0", "maintainer": "Trung tâm Quan trắc",
        "notes": "Kết quả quan trắc chất lượng nước mặt tại 50 điểm trên các sông chính của "
                 "tỉnh Quảng Ninh, lấy mẫu hằng tháng, chỉ số WQI theo Quyết định 1460.",
        "temporal_start": "2023-01-01", "temporal_end": "2025-12-31", "spatial": "Quảng Ninh",
        "update_frequency": "irregular",
        "resources": [{"name": "WQI", "url": LINK, "format": "JSON"}],
    }
    data.update(changes)
    return data


def bands(catalogue: Catalogue) -> dict[str, int]:
    assert catalogue.search is not None
    found = catalogue.search.search(SearchQuery(facet_fields=["quality_band"]))
    return found.facets["quality_band"]


def test_indexed_dataset_carries_the_quality_score_of_package_show(catalogue, org):
    with catalogue.unit("test") as uow:
        create_dataset(uow, complete(org))
        create_dataset(uow, {"name": "ghi-chu", "title": "Ghi chú", "owner_org": org})
        uow.commit()
    assert catalogue.search is not None
    assert catalogue.search.search(SearchQuery(fq="quality_band:high")).count == 1
    assert bands(catalogue) == {"high": 1, "low": 1}


def test_updating_a_dataset_moves_it_to_its_new_band(catalogue, org):
    with catalogue.unit("test") as uow:
        create_dataset(uow, complete(org))
        uow.commit()
    with catalogue.unit("test") as uow:
        update_dataset(uow, "chat-luong-nuoc-mat",
                       {"notes": "Ngắn.", "spatial": "", "temporal_start": None,
                        "temporal_end": None},
                       partial=True)
        uow.commit()
    assert bands(catalogue) == {"medium": 1}


def test_broken_link_lowers_the_indexed_score_once_reindexed(catalogue, org):
    with catalogue.unit("test") as uow:
        create_dataset(uow, complete(org, spatial="", maintainer=""))  # 58 of 65 points
        uow.commit()
    with catalogue.sessions() as session:
        record_result(session, LinkResult(LINK, False, 404, "HTTP 404",
                                          datetime(2026, 1, 1), 1))
        session.commit()
    assert bands(catalogue) == {"high": 1}
    assert reindex_linked(catalogue, [LINK, "http://other.test/x"]) == 1
    assert bands(catalogue) == {"medium": 1}  # 58 of 75


def test_rebuild_indexes_the_current_score(catalogue, org):
    with catalogue.unit("test") as uow:
        create_dataset(uow, complete(org, spatial="", maintainer=""))
        uow.commit()
    with catalogue.sessions() as session:
        record_result(session, LinkResult(LINK, False, None, "timed out",
                                          datetime(2026, 1, 1), 3))
        session.commit()
    assert rebuild_index(catalogue) == 1
    assert bands(catalogue) == {"medium": 1}
