"""Concurrent uploads to one dataset get distinct positions (issue 15).

Two officers (or a harvest and an officer) adding files to one dataset at the same moment
both read "n files so far" and both took position n. Real requests from threads, each with
its own client, started together.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

from flask import Flask

from catalogue.context import Catalogue
from catalogue.datasets.service import get_dataset

TokenFactory = Callable[..., str]
UPLOADERS = 8


def test_concurrent_uploads_get_distinct_positions(app: Flask, catalogue: Catalogue,
                                                   api_token: TokenFactory, org: str) -> None:
    token = api_token("an", org=org, role="admin")
    created = app.test_client().post(
        "/api/3/action/package_create", headers={"Authorization": token},
        json={"name": "nhieu-tep", "owner_org": org,
              "resources": [{"url": "http://agency.test/dau.csv"}]})
    assert created.status_code == 200, created.get_json()
    start = threading.Barrier(UPLOADERS)
    statuses: list[int] = []

    def upload(number: int) -> None:
        client = app.test_client()
        data = {"package_id": "nhieu-tep", "name": f"tệp {number}",
                "upload": (io.BytesIO(f"cot,so\nx,{number}\n".encode()), f"tep-{number}.csv")}
        start.wait()
        response = client.post("/api/3/action/resource_create", data=data,
                               headers={"Authorization": token},
                               content_type="multipart/form-data")
        statuses.append(response.status_code)

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(UPLOADERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [200] * UPLOADERS
    with catalogue.sessions() as session:
        positions = sorted(r.position for r in get_dataset(session, "nhieu-tep").resources)
    assert positions == list(range(UPLOADERS + 1))


def test_deleting_while_others_upload_keeps_positions_distinct(
        app: Flask, catalogue: Catalogue, api_token: TokenFactory, org: str) -> None:
    token = api_token("an", org=org, role="admin")
    created = app.test_client().post(
        "/api/3/action/package_create", headers={"Authorization": token},
        json={"name": "doi-tep", "owner_org": org,
              "resources": [{"url": f"http://agency.test/{n}.csv"} for n in range(4)]})
    assert created.status_code == 200, created.get_json()
    doomed = [r["id"] for r in created.get_json()["result"]["resources"][:2]]
    start = threading.Barrier(UPLOADERS)
    statuses: list[int] = []

    def work(number: int) -> None:
        client = app.test_client()
        start.wait()
        if number < len(doomed):
            response = client.post("/api/3/action/resource_delete", json={"id": doomed[number]},
                                   headers={"Authorization": token})
        else:
            response = client.post("/api/3/action/resource_create", json={
                "package_id": "doi-tep", "url": f"http://agency.test/moi-{number}.csv"},
                headers={"Authorization": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(UPLOADERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [200] * UPLOADERS
    with catalogue.sessions() as session:
        positions = sorted(r.position for r in get_dataset(session, "doi-tep").resources)
    assert positions == list(range(4 - len(doomed) + UPLOADERS - len(doomed)))
