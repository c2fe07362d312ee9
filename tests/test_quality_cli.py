"""``dulieumo trust quality NAME`` prints the same explanation the API gives."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset
from catalogue.quality.service import quality_of
from portal.cli import main


def test_quality_command_explains_the_score(catalogue: Catalogue, org: str, home: Path) -> None:
    with catalogue.unit("agency") as uow:
        create_dataset(uow, {"name": "gia-xang", "title": "Giá xăng", "owner_org": org,
                             "license_id": "vn-open-data-terms", "update_frequency": "weekly",
                             "resources": [{"url": "http://x.test/gia.csv", "format": "CSV"}]})
        uow.commit()
    result = CliRunner().invoke(main, ["--home", str(home), "trust", "quality", "gia-xang"])
    assert result.exit_code == 0, result.output
    explained = json.loads(result.output)
    assert "description" in explained["to_fix"] and "license" not in explained["to_fix"]
    with catalogue.sessions() as session:
        same = quality_of(session, "gia-xang", catalogue.site_url, catalogue.clock.now())
    # The CLI runs on the real clock, the fixture on 2 March 2026: only timeliness may differ.
    assert set(same["to_fix"]) - {"timeliness"} == set(explained["to_fix"]) - {"timeliness"}
    assert 0 < explained["score"] < 100
