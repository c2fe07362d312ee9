"""`dulieumo index rebuild` brings the search index back from the database alone."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset, delete_dataset
from catalogue.search.backend import SearchQuery
from catalogue.search.whoosh_backend import WhooshBackend
from portal.cli import main


def test_rebuild_restores_a_lost_index_without_withdrawn_datasets(
        catalogue: Catalogue, org: str, home: Path) -> None:
    with catalogue.unit("test") as uow:
        for number in range(7):
            create_dataset(uow, {"name": f"bang-gia-dat-{number}",
                                 "title": f"Bảng giá đất {number}",
                                 "owner_org": org})
        uow.commit()
    with catalogue.unit("test") as uow:
        delete_dataset(uow, "bang-gia-dat-3")
        uow.commit()
    assert catalogue.search is not None
    catalogue.search.close()
    shutil.rmtree(home / "index")

    result = CliRunner().invoke(main, ["--home", str(home), "index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Indexed 6 datasets" in result.output
    rebuilt = WhooshBackend(home / "index")
    try:
        found = rebuilt.search(SearchQuery(q="gia dat", rows=20))
    finally:
        rebuilt.close()
    assert found.count == 6
