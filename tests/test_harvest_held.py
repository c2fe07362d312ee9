"""Harvesting real records end to end: refused, held and published, with reasons an officer
can act on in the CLI report and the workspace (issue 16 items 2 and 8). The records are real
(../shared/fixtures/real), served by real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from flask import Flask
from harvest_servers import CkanFixture, ckan_server, datasets, harvest, static_server
from real_records import REAL, real_packages, source
from sqlalchemy import select

from catalogue.context import Catalogue
from catalogue.harvest.model import HarvestObject
from catalogue.privacy.gate import HOLD_PREFIX
from catalogue.review.model import ReviewItem
from harvesters.rights import (
    HELD_PREFIX,
    HOLD_ACCESS_UNKNOWN,
    HOLD_LICENCE_MISSING,
    HOLD_LICENCE_NOT_OPEN,
    REFUSED_EMPTY,
    REFUSED_NOT_PUBLIC,
)
from portal.cli import main

# What each real CKAN package comes out as, and why (see test_harvest_fidelity for the
# mapping itself).
CKAN_OUTCOMES = {
    "unesco-data-for-zimbabwe": "new", "wfp-food-prices": "new",  # HDX: cc-by-igo, public
    "test-dcat-1": "skipped",  # access_rights NON_PUBLIC
    "warandpeace": "held",  # cc-nc, and no "private" flag
    "annakarenina": "held", "test-dataset-multilingual": "held", "test-dataset-series": "held",
    "test-dataset-croissant": "held",  # nothing says they are public
    "test-dataset-shacl": "held",  # access_rights is free text
    "zimbabwe-regional-geochemical-survey": "held",  # public, but no licence at all
    "(no name)": "held",
}


def _identifier(pkg: dict[str, Any]) -> str:
    return str(pkg.get("id") or pkg.get("name"))


def _objects(catalogue: Catalogue, job_id: str) -> dict[str, HarvestObject]:
    with catalogue.sessions() as session:
        rows = list(session.scalars(select(HarvestObject).where(HarvestObject.job_id == job_id)))
        session.expunge_all()
    return {o.identifier: o for o in rows}


def _ckan_fixture() -> CkanFixture:
    return CkanFixture(packages=list(real_packages().values()))


def test_real_ckan_records_are_published_held_or_refused_with_reasons(
        catalogue: Catalogue, org: str, home: Path, client: Any) -> None:
    fixture = _ckan_fixture()
    by_id = {_identifier(p): name for name, p in real_packages().items()}
    with ckan_server(fixture) as url:
        config = source("ckan", url=url, download_resources=False)
        summary = harvest(catalogue, config, home)
    assert summary.status == "finished", summary
    objects = _objects(catalogue, summary.job_id)
    outcomes = {by_id[i]: o.outcome for i, o in objects.items()}
    assert outcomes == CKAN_OUTCOMES
    assert summary.counts["new"] == 2 and summary.counts["held"] == 8
    refused = objects[_identifier(real_packages()["test-dcat-1"])]
    assert refused.reason.startswith(REFUSED_NOT_PUBLIC) and "NON_PUBLIC" in refused.reason
    war = objects[_identifier(real_packages()["warandpeace"])]
    assert war.reason.startswith(HELD_PREFIX)
    assert HOLD_LICENCE_NOT_OPEN in war.reason and HOLD_ACCESS_UNKNOWN in war.reason
    # Held for personal data (e-mails in extras) too: the review item names every reason.
    zimbabwe = objects[_identifier(real_packages()["zimbabwe-regional-geochemical-survey"])]
    assert zimbabwe.reason.startswith(HOLD_PREFIX) and HOLD_LICENCE_MISSING in zimbabwe.reason

    stored = datasets(catalogue, config.name)
    assert _identifier(real_packages()["test-dcat-1"]) not in stored  # never stored
    published = {d.name: d for d in stored.values() if d.state == "active"}
    assert set(published) == {"unesco-data-for-zimbabwe", "wfp-food-prices"}
    assert published["unesco-data-for-zimbabwe"].license_id == "CC-BY-3.0-IGO"
    held = [d for d in stored.values() if d.state != "active"]
    assert len(held) == 8 and all(d.state == "draft" for d in held)
    war_dataset = stored[_identifier(real_packages()["warandpeace"])]
    assert war_dataset.license_id == "CC-BY-NC-2.0"  # kept exactly, never made open
    for dataset in held:
        body = client.get(f"/api/3/action/package_show?id={dataset.name}").get_json()
        assert body["success"] is False, dataset.name
    with catalogue.sessions() as session:
        items = list(session.scalars(select(ReviewItem).where(
            ReviewItem.status == "submitted")))
        # Some also carry personal e-mail addresses in their extras: held for both.
        assert len(items) == 8 and all(i.message.startswith((HELD_PREFIX, HOLD_PREFIX))
                                       for i in items)
        assert sum(HOLD_LICENCE_MISSING in i.message for i in items) == sum(
            HOLD_LICENCE_MISSING in o.reason for o in objects.values())


def test_reharvesting_unchanged_held_records_reports_them_held_never_unchanged(
        catalogue: Catalogue, org: str, home: Path) -> None:
    fixture = _ckan_fixture()
    with ckan_server(fixture) as url:
        config = source("ckan", url=url, download_resources=False)
        harvest(catalogue, config, home)
        again = harvest(catalogue, config, home)
    assert again.counts["held"] == 8 and again.counts["unchanged"] == 2, again.counts
    held = [o for o in _objects(catalogue, again.job_id).values() if o.outcome == "held"]
    assert all(o.reason.startswith((HELD_PREFIX, HOLD_PREFIX)) for o in held)
    with catalogue.sessions() as session:
        assert session.scalars(select(ReviewItem).where(
            ReviewItem.status == "submitted")).all().__len__() == 8


def test_data_json_harvest_refuses_non_public_and_empty_records_and_publishes_the_rest(
        catalogue: Catalogue, org: str, home: Path) -> None:
    with static_server(REAL / "datajson") as url:
        opm = harvest(catalogue, source("datajson", url=f"{url}opm.data.json",
                                        download_resources=False), home)
        missing = harvest(catalogue, source("datajson", url=f"{url}missing-dataset-fields"
                                                           f".data.json",
                                            download_resources=False, name="real-missing"),
                          home)
    assert (opm.counts["new"], opm.counts["skipped"], opm.counts["held"]) == (29, 105, 0)
    assert (missing.counts["new"], missing.counts["skipped"]) == (1, 1)
    [empty] = [o for o in _objects(catalogue, missing.job_id).values()
               if o.outcome == "skipped"]
    assert empty.reason.startswith(REFUSED_EMPTY) and empty.identifier != "dataset"
    assert "dataset" not in {d.name for d in datasets(catalogue, "real-missing").values()}


def test_dcat_harvest_holds_non_open_distribution_licence_and_refuses_non_public(
        catalogue: Catalogue, org: str, home: Path) -> None:
    found = {}
    with static_server(REAL / "dcat") as url:
        for name in ("dataset_sweden.rdf", "dataset_health.ttl", "dataset_gov_de.rdf"):
            config = source("dcat", url=f"{url}{name}", download_resources=False,
                            name=f"real-{name.split('.')[0].replace('_', '-')}")
            summary = harvest(catalogue, config, home)
            [obj] = _objects(catalogue, summary.job_id).values()
            found[name] = obj
    assert found["dataset_sweden.rdf"].outcome == "held"
    assert HOLD_LICENCE_NOT_OPEN in found["dataset_sweden.rdf"].reason
    assert found["dataset_health.ttl"].outcome == "skipped"
    assert found["dataset_gov_de.rdf"].outcome == "new"
    [rostock] = datasets(catalogue, "real-dataset-gov-de").values()
    assert rostock.license_id == "CC0-1.0" and rostock.state == "active"


def test_cli_report_lists_held_records_with_their_reasons(app: Flask, org: str,
                                                          home: Path) -> None:
    fixture = _ckan_fixture()
    runner = CliRunner()
    with ckan_server(fixture) as url:
        (home / "harvest.toml").write_text(
            f'[[source]]\nname = "hdx"\ntype = "ckan"\nurl = "{url}"\n'
            f'organization = "{org}"\ndownload_resources = false\n', encoding="utf-8")
        run = runner.invoke(main, ["--home", str(home), "harvest", "run", "hdx"])
    assert run.exit_code == 0, run.output
    assert "held 8" in run.output
    # The run itself lists what to act on, one line per record with every reason.
    war = next(line for line in run.output.splitlines() if line.startswith(
        f"  held {_identifier(real_packages()['warandpeace'])}:"))
    assert HOLD_LICENCE_NOT_OPEN in war and HOLD_ACCESS_UNKNOWN in war
    assert f"  skipped {_identifier(real_packages()['test-dcat-1'])}: {REFUSED_NOT_PUBLIC}" \
        in run.output
    job_id = runner.invoke(main, ["--home", str(home), "harvest", "list"]).output.split()[0]
    text = runner.invoke(main, ["--home", str(home), "harvest", "report", job_id]).output
    assert "Held for review:" in text and HOLD_LICENCE_NOT_OPEN in text
    data = json.loads(runner.invoke(main, ["--home", str(home), "harvest", "report", job_id,
                                           "--json"]).output)
    assert len(data["held"]) == 8 and data["counts"]["held"] == 8
    assert {i["reason"].split(":")[0] for i in data["skipped"]} == {REFUSED_NOT_PUBLIC}


def test_workspace_job_page_shows_held_records_as_held_with_their_reasons(
        app: Flask, catalogue: Catalogue, org: str, home: Path) -> None:
    from tests.test_accounts_agency import admin_client
    from tests.test_accounts_web import csrf_of

    client = admin_client(app, catalogue, org)
    page = f"/workspace/org/{org}/harvest"
    with ckan_server(_ckan_fixture()) as url:
        (home / "harvest.toml").write_text(
            f'[[source]]\nname = "hdx"\ntype = "ckan"\nurl = "{url}"\n'
            f'organization = "{org}"\ndownload_resources = false\n', encoding="utf-8")
        response = client.post(f"{page}/hdx/run", data={"csrf_token": csrf_of(client, page)})
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "giữ lại chờ duyệt 8" in html
    job_link = html.split(f"{page}/job/")[1].split('"')[0]
    report = client.get(f"{page}/job/{job_link}").get_data(as_text=True)
    assert report.count('class="outcome-held"') == 8
    assert HOLD_LICENCE_NOT_OPEN in report and REFUSED_NOT_PUBLIC in report
    assert "/workspace/review/" in report  # where the officer acts on them


def test_invalid_data_is_reported_with_the_failed_check_in_vietnamese(
        catalogue: Catalogue, org: str, home: Path, tmp_path: Path) -> None:
    from harvest_servers import make_source

    from catalogue.harvest.service import get_job, job_dict

    share = tmp_path / "share"
    share.mkdir()
    (share / "don-vi.csv").write_text("ma,ten\n01,Hà Nội\n02\n", encoding="utf-8")
    (share / "don-vi.csv.meta.toml").write_text('title = "Đơn vị hành chính"\n',
                                                encoding="utf-8")
    published = harvest(catalogue, make_source("files", path=str(share)), home)
    refused = harvest(catalogue, make_source("files", path=str(share), name="test-strict",
                                             reject_invalid=True), home)
    with catalogue.sessions() as session:
        report = job_dict(get_job(session, published.job_id))
        strict = job_dict(get_job(session, refused.job_id))
    [invalid] = report["invalid"]
    assert invalid["reason"] == ("Dữ liệu không hợp lệ — don-vi.csv: "
                                 "thiếu ô (dòng ngắn hơn tiêu đề) (missing-cell): 1")
    [failed] = strict["failures"]
    assert "thiếu ô (dòng ngắn hơn tiêu đề) (missing-cell): 1" in failed["reason"]


def test_preview_says_which_real_records_a_run_would_hold_or_refuse(
        catalogue: Catalogue, org: str) -> None:
    from harvesters.preview import preview_source
    from harvesters.registry import harvester_types

    with ckan_server(_ckan_fixture()) as url:
        report = preview_source(catalogue, source("ckan", url=url, download_resources=False),
                                harvester_types(), limit=20)
    by_id = {_identifier(p): name for name, p in real_packages().items()}
    actions = {by_id[i.identifier]: i.action for i in report.items}
    expected = {"new": "create", "held": "hold", "skipped": "skip"}
    assert actions == {name: expected[o] for name, o in CKAN_OUTCOMES.items()}
    war = next(i for i in report.items if by_id[i.identifier] == "warandpeace")
    assert HOLD_LICENCE_NOT_OPEN in war.reason


def test_review_queue_shows_why_a_real_record_is_held_and_approval_publishes_it(
        app: Flask, catalogue: Catalogue, org: str, home: Path) -> None:
    from tests.test_accounts_agency import admin_client
    from tests.test_accounts_web import csrf_of

    fixture = CkanFixture(packages=[real_packages()["annakarenina"]])
    client = admin_client(app, catalogue, org)
    with ckan_server(fixture) as url:
        config = source("ckan", url=url, download_resources=False)
        assert harvest(catalogue, config, home).counts["held"] == 1
        html = client.get("/workspace/review/").get_data(as_text=True)
        assert 'class="error harvest-hold"' in html and HOLD_ACCESS_UNKNOWN in html
        item_id = html.split('id="item-')[1].split('"')[0]
        approved = client.post(f"/workspace/review/{item_id}/approve",
                               data={"csrf_token": csrf_of(client, "/workspace/review/")})
        assert approved.status_code == 302
        [dataset] = datasets(catalogue, config.name).values()
        assert dataset.state == "active" and dataset.license_id == "other-open"
        # Approved by a person: the next run leaves it alone rather than holding it again.
        assert harvest(catalogue, config, home).counts["unchanged"] == 1
