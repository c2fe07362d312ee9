"""Work a migration notes for the application to do (:class:`UpgradeTask`), run by ``init``.

A migration changes tables; some upgrades also need the application's own code, such as
rebuilding the search index (on SQLite it lives outside the database). The migration notes
the task, and the next ``init`` does it once, under the caller's ``init`` lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import delete, select

from catalogue.context import Catalogue
from catalogue.coordination.model import UpgradeTask
from catalogue.indexing import rebuild_index

log = logging.getLogger(__name__)

TASKS: dict[str, Callable[[Catalogue], object]] = {
    "search-rebuild": rebuild_index,
}


def run_upgrade_tasks(catalogue: Catalogue) -> list[str]:
    """Do the noted tasks, each forgotten only once done; returns the names done."""
    with catalogue.sessions() as session:
        noted = list(session.scalars(select(UpgradeTask.name).order_by(UpgradeTask.name)))
    done = []
    for name in noted:
        task = TASKS.get(name)
        if task is None:  # noted by a newer release than this one: leave it for that release
            log.warning("upgrade task %r is unknown to this release; left for a newer one", name)
            continue
        task(catalogue)
        with catalogue.engine.begin() as conn:
            conn.execute(delete(UpgradeTask).where(UpgradeTask.name == name))
        done.append(name)
    return done
