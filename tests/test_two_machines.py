"""Two machines on one PostgreSQL, as deploy/README.md lays them out (issue 23 item 10).

Two homes, each served by real gunicorn (2 workers) on its own port, share one throw-away
PostgreSQL database and one S3-protocol server (moto's, on 127.0.0.1); the scheduler,
harvests, backups, restores and rebuilds run as the ``dulieumo`` command on either home, as
an operator would. Every rule of issue 23 is checked across the two: sessions and forms,
log-out everywhere, the log-in throttle, harvests and schedules run once, files uploaded or
harvested on one machine download from the other, and what one machine writes, restores or
rebuilds is what the other serves within a few seconds (polled with a deadline, never slept
for). Runs with ``pytest --db=postgres`` (``make test`` does).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from pg_databases import fresh_database
from sqlalchemy import select, text

from catalogue.accounts.service import create_user
from catalogue.accounts.tokens import create_token
from catalogue.datasets.model import Dataset
from catalogue.harvest.model import HarvestJob
from catalogue.organizations.service import create_organization
from portal import create_app
from portal.catalogue_ext import catalogue_of
from tests.harvest_servers import CkanFixture, ckan_package, ckan_server

pytest_plugins = ["pg_cluster"]

ROOT = Path(__file__).resolve().parents[1]
DULIEUMO = str(Path(sys.executable).with_name("dulieumo"))
# How long another machine may take to show a change (it normally takes well under one).
FEW_SECONDS = 5.0
# How long a gunicorn machine may take to start (two workers loading the app).
START_DEADLINE = 60.0
ORG = "so-tnmt-quang-ninh"
PASSWORD = "Sông Hồng chảy 47 mùa"
BUCKET = "dulieumo-files"
CSV = "tỉnh,số trạm\nQuảng Ninh,12\nHà Giang,7\n".encode()


@dataclass
class Machine:
    name: str
    home: Path
    url: str
    process: subprocess.Popen[bytes]

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``dulieumo --home <home> ARGS`` as an operator on this machine runs it."""
        done = subprocess.run([DULIEUMO, "--home", str(self.home), *args], cwd=ROOT,
                              env=_environment(), capture_output=True, text=True, timeout=120)
        if check:
            assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
        return done

    def start_cli(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([DULIEUMO, "--home", str(self.home), *args], cwd=ROOT,
                                env=_environment(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)


@dataclass
class Cluster:
    a: Machine
    b: Machine
    database_url: str
    backups: Path
    source_url: str
    fixture: CkanFixture
    admin_token: str
    catalogue: Any  # the test's own view of the database, for checks

    def catalogue_session(self) -> Any:
        """A database session of the test's own, closed by the caller."""
        return self.catalogue.sessions()


def _environment() -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR")
    return {k: v for k, v in os.environ.items() if k in keep}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _s3_server(log_dir: Path) -> Iterator[str]:
    """moto's standalone S3 server on 127.0.0.1 (the machines' shared file store), with the
    bucket made; yields its URL."""
    import boto3

    port = _free_port()
    with (log_dir / "moto.log").open("wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                   "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_DEADLINE
        while True:
            try:
                requests.get(url, timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)  # a poll interval while the server starts
        boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                     aws_access_key_id="testing",
                     aws_secret_access_key="testing").create_bucket(Bucket=BUCKET)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _write_home(home: Path, database_url: str, backups: Path, source_url: str,
                s3_url: str) -> None:
    home.mkdir(parents=True)
    (home / "dulieumo.toml").write_text(
        f'database_url = "{database_url}"\n'
        'search_backend = "postgres"\n'
        'site_url = "http://portal.test"\n'
        f'backup_dir = "{backups}"\n'
        "backup_hour = 0\n"
        "log_json = false\n"
        # Still counted in the shared database on every call, but high enough that the rebuild
        # test's watcher, searching B as fast as it answers, is never told 429 (1,200 a minute
        # is under a minute of that on a quiet machine).
        "api_rate_limit = 100000\n"
        f'file_store = "s3://{BUCKET}/dulieumo"\n'
        f'file_store_endpoint = "{s3_url}"\n'
        'file_store_region = "us-east-1"\n'
        'file_store_access_key = "testing"\n'
        'file_store_secret_key = "testing"\n', encoding="utf-8")
    (home / "harvest.d").mkdir()
    port = source_url.rsplit(":", 1)[1]
    (home / "harvest.d" / "so-tnmt.toml").write_text(
        f'[organization]\nname = "{ORG}"\ntitle = "Sở Tài nguyên và Môi trường Quảng Ninh"\n\n'
        '[[source]]\nname = "so-tnmt-ckan"\ntype = "ckan"\n'
        f'url = "{source_url}"\ndefault_license = "CC-BY-4.0"\n'
        f'allow_hosts = ["127.0.0.1:{port}"]\n\n'
        '[[source]]\nname = "so-tnmt-ckan-dinh-ky"\ntype = "ckan"\n'
        f'url = "{source_url}"\ndefault_license = "CC-BY-4.0"\nschedule = "hourly"\n'
        f'allow_hosts = ["127.0.0.1:{port}"]\n', encoding="utf-8")


def _start_machine(name: str, home: Path) -> Machine:
    port = _free_port()
    log = (home / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_config",
         "portal.wsgi:app"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**_environment(), "DULIEUMO_HOME": str(home),
             "DULIEUMO_BIND": f"127.0.0.1:{port}", "DULIEUMO_WORKERS": "2"})
    log.close()
    return Machine(name, home, f"http://127.0.0.1:{port}", process)


def _wait_until_serving(machine: Machine) -> None:
    deadline = time.monotonic() + START_DEADLINE
    while time.monotonic() < deadline:
        if machine.process.poll() is not None:
            break
        try:
            if requests.get(machine.url + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet, or its workers still loading the app
        time.sleep(0.1)  # a poll interval while the server starts, not a wait for a result
    log = (machine.home / "gunicorn.log").read_text(errors="replace")
    raise AssertionError(f"machine {machine.name} did not start:\n{log[-3000:]}")


def _stop(*machines: Machine) -> None:
    """Stop the machines together: each is told first, then each is waited for (their
    shutdowns overlap instead of adding up)."""
    for machine in machines:
        if machine.process.poll() is None:
            machine.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
    for machine in machines:
        try:
            machine.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            machine.process.kill()
            machine.process.wait()


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if request.config.getoption("--db") != "postgres":
        # About a minute of CPU: once per `make test`, in its PostgreSQL pass.
        pytest.skip("runs with --db=postgres (make test's PostgreSQL pass)")
    pg_url = request.getfixturevalue("pg_url")
    root = tmp_path_factory.mktemp("two-machines")
    fixture = CkanFixture()
    with fresh_database(pg_url) as url, ckan_server(fixture) as source_url, \
            _s3_server(root) as s3_url:
        fixture.packages = [ckan_package(f"quan-trac-{i}", source_url,
                                         title=f"Quan trắc nước mặt {i}") for i in range(6)]
        fixture.files = {f"quan-trac-{i}.csv": f"thang,gia_tri\n2024-01,{i}\n".encode()
                         for i in range(6)}
        backups = root / "backups"
        for name in ("a", "b"):
            _write_home(root / name, url, backups, source_url, s3_url)
        # Both machines start at once, as after a power cut: init runs under a lock.
        inits = [subprocess.Popen([DULIEUMO, "--home", str(root / n), "init"], cwd=ROOT,
                                  env=_environment(), stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True) for n in ("a", "b")]
        for init in inits:
            out, _ = init.communicate(timeout=120)
            assert init.returncode == 0, out
        a, b = _start_machine("a", root / "a"), _start_machine("b", root / "b")
        admin_app = create_app({"database_url": url, "search_backend": "postgres",
                                "site_url": "http://portal.test"}, home=root / "test")
        # The test's own view: the database, and the bucket the machines share.
        try:
            catalogue = catalogue_of(admin_app)
            with catalogue.unit("test") as uow:
                create_organization(uow, {"name": ORG, "title": "Sở TNMT Quảng Ninh"})
                users = {name: create_user(uow, name=name, email=f"{name}@tnmt.gov.vn",
                                           full_name=f"Nguyễn Văn {name.title()}",
                                           password=PASSWORD, organization=ORG, role="admin")
                         for name in ("lan", "minh", "hoa", "an")}
                for user in users.values():
                    user.must_change_password = False
                _, token = create_token(uow, users["an"], scope="write")
                uow.commit()
            _wait_until_serving(a)
            _wait_until_serving(b)
            # Each worker subscribes to changes as it boots, not before /healthz answers: a
            # test writing on one machine and reading on the other must not run (first, or on
            # its own) before all four are subscribed, or a worker misses the write for good.
            _eventually(lambda: _listening(catalogue) == 4, "four listening workers",
                        START_DEADLINE)
            yield Cluster(a, b, url, backups, source_url, fixture, token, catalogue)
        finally:
            _stop(a, b)
            catalogue_of(admin_app).search.close()  # type: ignore[union-attr]
            catalogue_of(admin_app).engine.dispose()
            shutil.rmtree(root, ignore_errors=True)


# -- helpers ------------------------------------------------------------------------------

def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, page[:500]
    return found.group(1)


def _log_in(machine: Machine, login: str, password: str = PASSWORD) -> requests.Session:
    browser = requests.Session()
    token = _csrf(browser.get(machine.url + "/user/login", timeout=10).text)
    answer = browser.post(machine.url + "/user/login", allow_redirects=False, timeout=30,
                          data={"csrf_token": token, "login": login, "password": password})
    assert answer.status_code == 302, answer.text[:500]
    return browser


def _on(browser: requests.Session) -> requests.Session:
    """The same browser's cookies, sent to another machine (the load balancer's choice)."""
    other = requests.Session()
    other.cookies.update(browser.cookies)
    return other


def _logged_in(browser: requests.Session, machine: Machine) -> bool:
    answer = browser.get(machine.url + "/workspace/", allow_redirects=False, timeout=10)
    return answer.status_code == 200


def _count(machine: Machine, q: str = "") -> int:
    answer = requests.get(machine.url + "/api/3/action/package_search",
                          params={"q": q, "rows": 0}, timeout=10)
    assert answer.status_code == 200, answer.text[:300]
    return int(answer.json()["result"]["count"])


def _listening(catalogue: Any) -> int:
    """How many connections LISTEN for changes on the machines' database."""
    with catalogue.sessions() as session:
        return int(session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN dulieumo' "
            "AND datname = current_database()")))


def _eventually(check: Callable[[], bool], what: str, seconds: float = FEW_SECONDS) -> None:
    """Poll ``check`` until it holds, for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")


def _create_dataset(cluster: Cluster, machine: Machine, name: str, title: str) -> None:
    answer = requests.post(machine.url + "/api/3/action/package_create", timeout=30,
                           headers={"Authorization": cluster.admin_token},
                           json={"name": name, "title": title, "owner_org": ORG,
                                 "license_id": "CC-BY-4.0"})
    assert answer.status_code == 200, answer.text[:500]


# -- sessions -----------------------------------------------------------------------------

def test_a_log_in_and_a_form_from_a_are_accepted_on_b(cluster: Cluster) -> None:
    on_a = _log_in(cluster.a, "lan")
    assert _logged_in(_on(on_a), cluster.b)
    # A form made on A (its CSRF token is in the session A signed) is accepted by B: the
    # browser, sent to B by the load balancer, logs out there.
    token = _csrf(on_a.get(cluster.a.url + "/workspace/", timeout=10).text)
    on_b = _on(on_a)
    answer = on_b.post(cluster.b.url + "/user/logout", data={"csrf_token": token},
                       allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    assert not _logged_in(on_a, cluster.a)  # the session ended for every machine


def test_log_out_everywhere_on_b_ends_a_session_opened_on_a(cluster: Cluster) -> None:
    laptop = _log_in(cluster.a, "minh")
    phone = _log_in(cluster.b, "minh")
    assert _logged_in(laptop, cluster.a) and _logged_in(laptop, cluster.b)
    token = _csrf(phone.get(cluster.b.url + "/workspace/", timeout=10).text)
    answer = phone.post(cluster.b.url + "/user/logout-everywhere",
                        data={"csrf_token": token}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    assert not _logged_in(laptop, cluster.a)
    assert not _logged_in(_on(laptop), cluster.b)


def test_parallel_wrong_passwords_on_both_machines_all_count(cluster: Cluster) -> None:
    """8 wrong passwords at once, half on each machine: each is counted, so the right
    password afterwards is refused (5 in a row lock the address out of the account)."""
    def wrong(index: int) -> int:
        machine = (cluster.a, cluster.b)[index % 2]
        browser = requests.Session()
        token = _csrf(browser.get(machine.url + "/user/login", timeout=10).text)
        return browser.post(machine.url + "/user/login", timeout=30, allow_redirects=False,
                            data={"csrf_token": token, "login": "hoa",
                                  "password": f"sai {index}"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(wrong, range(8)))
    assert all(code in (401, 429) for code in codes), codes
    browser = requests.Session()
    token = _csrf(browser.get(cluster.b.url + "/user/login", timeout=10).text)
    answer = browser.post(cluster.b.url + "/user/login", allow_redirects=False, timeout=30,
                          data={"csrf_token": token, "login": "hoa", "password": PASSWORD})
    assert answer.status_code == 429, answer.status_code


# -- harvests and schedules ---------------------------------------------------------------

def _harvested(cluster: Cluster, source: str) -> list[str]:
    with cluster.catalogue_session() as session:
        return list(session.scalars(select(Dataset.source_identifier).where(
            Dataset.harvest_source == source)))


def _jobs(cluster: Cluster, source: str) -> list[str]:
    with cluster.catalogue_session() as session:
        return list(session.scalars(select(HarvestJob.status).where(
            HarvestJob.source == source)))


def test_one_source_harvested_on_both_machines_at_once_makes_each_record_once(
        cluster: Cluster) -> None:
    runs = [machine.start_cli("harvest", "run", "so-tnmt-ckan")
            for machine in (cluster.a, cluster.b)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert any(run.returncode == 0 for run in runs), outputs
    found = _harvested(cluster, "so-tnmt-ckan")
    assert sorted(found) == sorted(f"id-quan-trac-{i}" for i in range(6)), outputs
    assert "aborted" not in _jobs(cluster, "so-tnmt-ckan"), outputs


def test_two_schedulers_run_each_due_job_once(cluster: Cluster) -> None:
    runs = [machine.start_cli("schedule", "--once") for machine in (cluster.a, cluster.b)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert len(_jobs(cluster, "so-tnmt-ckan-dinh-ky")) == 1, outputs
    assert len(list(cluster.backups.glob("dulieumo-*"))) == 1, outputs
    lines = "\n".join(outputs).splitlines()
    assert sum(line.startswith("links:") for line in lines) == 1, outputs


# -- what one machine writes, restores or rebuilds, the other serves ----------------------

def test_every_worker_of_both_machines_listens_for_changes(cluster: Cluster) -> None:
    """Each gunicorn worker (2 per machine) holds a LISTEN connection of its own, through
    which other processes' writes, rebuilds and restores empty its caches."""
    _eventually(lambda: _listening(cluster.catalogue) == 4, "four listening workers",
                START_DEADLINE)


def test_a_dataset_written_on_a_is_found_on_b(cluster: Cluster) -> None:
    _count(cluster.b, "bản đồ hành chính")  # B has searched (and cached) before the write
    _create_dataset(cluster, cluster.a, "ban-do-hanh-chinh", "Bản đồ hành chính Quảng Ninh")
    _eventually(lambda: _count(cluster.b, "bản đồ hành chính") == 1,
                "B finds the dataset written on A")


def test_after_a_restore_on_a_b_serves_no_stale_counts(cluster: Cluster,
                                                        tmp_path: Path) -> None:
    cluster.a.cli("backup", "--to", str(tmp_path))
    backup = next(tmp_path.glob("dulieumo-*"))
    before = _count(cluster.b)
    _create_dataset(cluster, cluster.a, "dan-so-2025", "Dân số năm 2025")
    _eventually(lambda: _count(cluster.b) == before + 1, "B counts the new dataset")
    assert _count(cluster.b, "name:dan-so-2025") == 1  # and B has it in its caches
    cluster.a.cli("restore", str(backup), "--force")
    _eventually(lambda: _count(cluster.b) == before
                and _count(cluster.b, "name:dan-so-2025") == 0,
                "B counts what the restored catalogue holds")


def test_a_rebuild_on_a_never_leaves_b_without_hits(cluster: Cluster) -> None:
    if _count(cluster.b) == 0:  # run on its own (or first): give the rebuild hits to keep
        _create_dataset(cluster, cluster.a, "dia-chat-thuy-van", "Địa chất thủy văn")
        _eventually(lambda: _count(cluster.b) > 0, "B counts the dataset written on A")
    expected = _count(cluster.b)
    assert expected > 0
    seen: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.append(_count(cluster.b))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        cluster.a.cli("index", "rebuild")
    finally:
        stop.set()
        watcher.join()
    assert seen and set(seen) == {expected}, seen
    assert _count(cluster.b) == expected


# -- files across machines: one S3 store (issue 23 item 1) -----------------------------------

def test_a_file_uploaded_on_a_downloads_on_b(cluster: Cluster) -> None:
    headers = {"Authorization": cluster.admin_token}
    _create_dataset(cluster, cluster.a, "so-tram-quan-trac", "Số trạm quan trắc")
    answer = requests.post(cluster.a.url + "/api/3/action/resource_create", headers=headers,
                           data={"package_id": "so-tram-quan-trac", "name": "Số trạm"},
                           files={"upload": ("so-tram.csv", CSV, "text/csv")}, timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    resource = answer.json()["result"]
    sha = hashlib.sha256(CSV).hexdigest()
    assert resource["sha256"] == sha
    download = requests.get(f"{cluster.b.url}/dataset/so-tram-quan-trac/resource/"
                            f"{resource['id']}/download", timeout=30)
    assert download.status_code == 200 and download.content == CSV
    for machine in (cluster.a, cluster.b):  # neither kept the bytes on its own disk
        assert not list((machine.home / "files").glob("??/*"))


def test_a_file_harvested_on_one_machine_downloads_on_the_other(cluster: Cluster) -> None:
    if not _harvested(cluster, "so-tnmt-ckan"):  # run on its own: harvest on A first
        cluster.a.cli("harvest", "run", "so-tnmt-ckan")
    with cluster.catalogue_session() as session:
        dataset = session.scalars(select(Dataset).where(
            Dataset.harvest_source == "so-tnmt-ckan",
            Dataset.source_identifier == "id-quan-trac-3")).one()
        name, resource_id = dataset.name, dataset.resources[0].id
    for machine in (cluster.a, cluster.b):
        download = requests.get(f"{machine.url}/dataset/{name}/resource/{resource_id}"
                                "/download", timeout=30)
        assert download.status_code == 200, download.text[:300]
        assert download.content == b"thang,gia_tri\n2024-01,3\n"


def test_both_machines_are_ready_with_the_shared_store(cluster: Cluster) -> None:
    for machine in (cluster.a, cluster.b):
        answer = requests.get(machine.url + "/readyz", timeout=30)
        assert answer.status_code == 200, answer.text[:500]
