"""``dulieumo trust screen FILE``: where personal data is, never what it is; exit 1 on a hit."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from portal.cli import main


def test_screen_reports_positions_and_fails_on_a_hit(tmp_path: Path) -> None:
    path = tmp_path / "ho-so.csv"
    path.write_text("ho_ten,so_dien_thoai\nNguyễn Văn An,0912345678\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "h"), "trust", "screen",
                                       str(path)])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert {f["kind"] for f in report["findings"]} == {"full_name", "phone"}
    assert "0912345678" not in result.output and "Nguyễn Văn An" not in result.output


def test_screen_passes_clean_open_data(tmp_path: Path) -> None:
    path = tmp_path / "tram.csv"
    path.write_text("ma_tram,vi_do,kinh_do\nQN-KK01,20.9545,107.0953\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "h"), "trust", "screen",
                                       str(path)])
    assert result.exit_code == 0 and json.loads(result.output)["held"] is False
