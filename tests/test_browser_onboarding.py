"""An agency officer's path in a real browser (issue 19): a sysadmin creates the agency and its
admin; the admin adds a harvest source, tests it, runs it, reads what went wrong in words,
fixes the file, runs it again and approves; the dataset is public.

Screenshots of every step at 1366 px and 390 px go to tests/artifacts/onboarding-*.png.
Skipped when /usr/bin/chromium is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_server import live_server

from catalogue.clock import SystemClock
from tests.harvest_servers import static_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
A11Y_CHECK = "\n".join(
    line for line in Path(__file__).with_name("a11y_check.js").read_text(
        encoding="utf-8").splitlines() if not line.startswith("//"))
PASSWORD = "Sông Hồng chảy 47 mùa"
SIDECAR = ('name = "dien-tich-xa"\ntitle = "Diện tích các xã"\n'
           'description = "Diện tích tự nhiên theo xã, năm 2025"\n'
           '[[field]]\nname = "dien_tich"\ntitle = "diện tích"\ntype = "number"\n')

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Chromium at /usr/bin/chromium (.ci/run installs it)")


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[str]:
    """A live, empty portal with one sysadmin account."""
    from catalogue.accounts.service import create_user
    from portal import create_app
    from portal.catalogue_ext import catalogue_of
    from portal.cli.home_cmds import initialise

    home = tmp_path / "home"
    home.mkdir()
    # The agency's file share runs on this machine: the operator allows it for web sources.
    app = create_app({"log_json": False, "allow_internal_hosts": "127.0.0.1"}, home=home,
                     clock=SystemClock())
    initialise(app)
    with catalogue_of(app).unit("setup") as uow:
        create_user(uow, name="quan-tri", email="qt@stttt.gov.vn", full_name="Trần Quản Trị",
                    password=PASSWORD, sysadmin=True)
        uow.commit()
    with live_server(app) as base:
        yield base
    catalogue_of(app).sessions.kw["bind"].dispose()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=ARGS)
        context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
        tab = context.new_page()
        errors: list[str] = []
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.set_default_timeout(20_000)
        yield tab
        context.close()
        browser.close()
    assert not errors, f"console errors: {errors}"


def step(page: Any, name: str) -> None:
    """Screenshots at desktop and phone widths; the page must pass the in-page a11y check
    and must not scroll sideways on a phone."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"onboarding-{name}-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / f"onboarding-{name}-390.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1366, "height": 900})
    assert overflow <= 390, f"{name}: {overflow}px wide on a 390px phone"
    assert page.evaluate(A11Y_CHECK) == [], name


def log_in(page: Any, base: str, name: str, password: str, new: str) -> None:
    page.goto(base + "/")
    page.locator("a.login-link").click()
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill(name)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.locator("form:has(input[name=login]) button").click()
    page.get_by_label("Mật khẩu hiện tại").fill(password)
    page.get_by_label("Mật khẩu mới", exact=True).fill(new)
    page.get_by_label("Nhập lại mật khẩu mới").fill(new)
    page.locator("form:has(input[name=new_password]) button").click()
    page.get_by_text("Đã đổi mật khẩu.").wait_for()
    page.get_by_role("link", name="Không gian làm việc").first.click()
    page.wait_for_url("**/workspace/")


def test_an_agency_goes_from_nothing_to_a_public_dataset(page: Any, portal: str,
                                                         tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "dien-tich.csv").write_text(
        "xa,dien_tich\nXã Hưng Đạo,12.5\nXã Đề Thám,8.25\nXã Hòa Chung,không rõ\n",
        encoding="utf-8")
    (share / "dien-tich.csv.meta.toml").write_text(SIDECAR, encoding="utf-8")

    # A sysadmin creates the agency and its first admin.
    log_in(page, portal, "quan-tri", PASSWORD, "Thác Bản Giốc 2026 đẹp")
    page.get_by_role("link", name="+ Cơ quan mới").click()
    page.get_by_label("Tên đường dẫn").fill("so-tnmt-cao-bang")
    page.get_by_label("Tên cơ quan").fill("Sở Tài nguyên và Môi trường Cao Bằng")
    page.get_by_label("Tên tiếng Anh").fill("Cao Bang Department of Natural Resources")
    page.get_by_label("Giới thiệu").fill("Đất đai, tài nguyên nước, khí tượng thủy văn.")
    step(page, "1-organization-new")
    page.get_by_role("button", name="Tạo cơ quan").click()
    page.wait_for_url("**/workspace/org/so-tnmt-cao-bang/members")
    page.get_by_label("Tên đăng nhập", exact=True).fill("can-bo")
    page.get_by_label("Họ và tên").fill("Nông Văn Cán")
    page.get_by_label("E-mail", exact=True).fill("cb@tnmt.caobang.gov.vn")
    page.locator("form:has(input[name=password]) select[name=role]").select_option("admin")
    page.get_by_label("Mật khẩu ban đầu").fill(PASSWORD)
    page.get_by_role("button", name="Tạo tài khoản").click()
    step(page, "2-members")
    page.get_by_role("button", name="Đăng xuất").click()

    # The agency's admin adds the file share, tests it, saves it and runs it.
    log_in(page, portal, "can-bo", PASSWORD, "Núi Mắt Thần 2026 xanh")
    page.get_by_role("link", name="Nguồn thu thập").click()
    page.get_by_role("link", name="+ Thêm nguồn").click()
    with static_server(share) as url:
        page.get_by_label("Tên nguồn").fill("cb-kho-tep")
        page.get_by_label("Tên hệ thống của cơ quan").fill("Kho tệp của Sở")
        page.locator("select[name=type]").select_option("files")
        page.get_by_label("Địa chỉ").fill(url)
        page.locator("select[name=schedule]").select_option("daily")
        page.get_by_role("button", name="Kiểm tra").click()
        assert "Nguồn đưa ra 1 bản ghi" in page.locator("section.preview").inner_text()
        step(page, "3-source-tested")
        page.get_by_role("button", name="Lưu").click()
        assert "thêm trên web" in page.locator("main").inner_text()
        step(page, "4-sources")
        page.get_by_role("button", name="Chạy ngay").click()
        page.wait_for_url("**/harvest/job/*")
        report = page.locator("main").inner_text()
        assert "1 bộ dữ liệu chờ bạn duyệt" in report
        assert "ô 'không rõ' ở dòng 4, cột diện tích: không phải số" in report
        step(page, "5-job-report")

        # The officer fixes the file and runs the source again; the draft is updated.
        (share / "dien-tich.csv").write_text(
            "xa,dien_tich\nXã Hưng Đạo,12.5\nXã Đề Thám,8.25\nXã Hòa Chung,10\n",
            encoding="utf-8")
        page.get_by_role("link", name="Nguồn thu thập của").click()
        page.get_by_role("button", name="Chạy ngay").click()
        page.wait_for_url("**/harvest/job/*")
        assert "Tệp cần xem lại" not in page.locator("main").inner_text()
    page.get_by_role("link", name="Mở hàng chờ duyệt").click()
    queue = page.locator("main").inner_text()
    assert "Sở Tài nguyên và Môi trường Cao Bằng" in queue and "None" not in queue
    step(page, "6-review")
    page.get_by_role("button", name="Duyệt và công bố").first.click()

    # The public sees the dataset.
    page.goto(portal + "/dataset/dien-tich-xa")
    assert page.locator("h1").inner_text() == "Diện tích các xã"
    step(page, "7-public")
