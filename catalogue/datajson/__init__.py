"""Project Open Data / DCAT-US 1.1 ``data.json``: build ours, read others' (issue 9).

Ho Chi Minh City's portal and many others publish a ``data.json`` catalogue; the harvester
reads one with :func:`parse_data_json`, and ``/data.json`` serves ours from
:func:`build_data_json`. Both are pure: package dicts in, dicts out.
"""

from catalogue.datajson.build import build_data_json, dataset_entry
from catalogue.datajson.parse import parse_data_json

__all__ = ["build_data_json", "dataset_entry", "parse_data_json"]
