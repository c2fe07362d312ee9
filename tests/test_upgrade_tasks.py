"""`init` does the work a migration noted for the application (an index rebuild after the
search documents gained place boxes), once, and leaves unknown tasks to a newer release."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import insert, select

from catalogue.context import Catalogue
from catalogue.coordination.model import UpgradeTask
from catalogue.datasets.model import Dataset
from catalogue.datasets.service import create_dataset
from catalogue.search.backend import SearchQuery
from catalogue.search.whoosh_backend import WhooshBackend
from portal.cli import main


def _tasks(catalogue: Catalogue) -> list[str]:
    with catalogue.sessions() as session:
        return list(session.scalars(select(UpgradeTask.name).order_by(UpgradeTask.name)))


def _init(home: Path) -> None:
    result = CliRunner().invoke(main, ["--home", str(home), "init"])
    assert result.exit_code == 0, result.output


def test_a_noted_rebuild_brings_back_what_the_old_index_lacked(
        catalogue: Catalogue, org: str, home: Path) -> None:
    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": "bang-gia-dat", "title": "Bảng giá đất", "owner_org": org})
        uow.commit()
    assert catalogue.search is not None
    # An index from before the upgrade: it lacks the document the new release would write.
    catalogue.search.delete_documents([_dataset_id(catalogue, "bang-gia-dat")])
    catalogue.search.close()
    with catalogue.engine.begin() as conn:
        conn.execute(insert(UpgradeTask).values(name="search-rebuild", reason="test"))

    _init(home)

    assert _tasks(catalogue) == []
    index = WhooshBackend(home / "index")
    try:
        assert index.search(SearchQuery(q="gia dat", rows=5)).count == 1
    finally:
        index.close()


def test_a_fresh_home_is_left_with_no_task_and_an_unknown_one_waits(
        catalogue: Catalogue, home: Path) -> None:
    _init(home)
    assert _tasks(catalogue) == []
    with catalogue.engine.begin() as conn:
        conn.execute(insert(UpgradeTask).values(name="from-a-newer-release", reason="test"))
    _init(home)
    assert _tasks(catalogue) == ["from-a-newer-release"]


def _dataset_id(catalogue: Catalogue, name: str) -> str:
    with catalogue.sessions() as session:
        found = session.scalar(select(Dataset.id).where(Dataset.name == name))
    assert found is not None
    return found
