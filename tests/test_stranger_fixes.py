"""What a stranger walking through the demo portal tripped over (the journalist's and the
agency officer's first visit), each fixed and kept fixed here."""

from __future__ import annotations

import re

from explorer_data import run_loads
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets import service as datasets

YEAR_SCHEMA = {"fields": [
    {"name": "dia_ban", "type": "string", "title": "Địa bàn"},
    {"name": "nam", "type": "year", "title": "Năm"},
    {"name": "khoi_luong", "type": "number", "title": "Khối lượng", "unit": "tấn/ngày"}]}
YEAR_CSV = ("dia_ban,nam,khoi_luong\n"
            + "".join(f"Huyện {n},{year},{1000 + n * 10 + year % 10}\n"
                      for n in range(1, 4) for year in (2022, 2023, 2024))).encode()


def _year_table(catalogue: Catalogue, org: str) -> str:
    with catalogue.unit("test") as uow:
        ds = datasets.create_dataset(uow, {"name": "chat-thai", "title": "Chất thải",
                                           "owner_org": org, "license_id": "CC-BY-4.0"})
        res = datasets.create_resource(
            uow, ds.id, {"name": "Theo huyện", "format": "CSV", "schema": YEAR_SCHEMA,
                         "validation_status": "valid"},
            upload=datasets.Upload(catalogue.files.put_bytes(YEAR_CSV), "chat-thai.csv",
                                   "text/csv"), trusted=True)
        uow.commit()
        resource_id = res.id
    run_loads(catalogue)
    return f"/dataset/chat-thai/resource/{resource_id}"


def test_years_in_the_explorer_are_not_written_as_thousands(
        client: FlaskClient, catalogue: Catalogue, org: str) -> None:
    # The explorer showed the year column as "2.023" and its filter as "2.020 (13)".
    html = client.get(_year_table(catalogue, org) + "?f.nam=2023&lang=vi").get_data(as_text=True)
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    years = [re.findall(r"<td[^>]*>(.*?)</td>", row)[1]
             for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    assert years == ["2023"] * 3
    assert "2.02" not in html
    assert re.search(r'value="2024"> 2024 <span class="count">', html)
    # Amounts keep the reader's separators.
    assert "1.013" in body
