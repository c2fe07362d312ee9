"""``/datastore/dump/<resource_id>``: a datastore view as a file, streamed (CKAN's dump URL).

``format`` csv (default), tsv, json or xlsx; ``q``, ``plain``, ``filters`` (JSON), ``sort``,
``fields``, ``distinct`` as ``datastore_search`` reads them; ``limit``/``offset`` to cut;
``bom=true`` for Excel. Who may read it is the same check as the API's.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from flask import Response, request, stream_with_context

from catalogue.datastore.dump import FORMATS, dump
from catalogue.datastore.errors import QueryError
from catalogue.datastore.query import iter_rows
from catalogue.errors import CatalogueError
from portal.api.auth import principal_for
from portal.api.datastore_actions import readable_resource, service_of, view_params
from portal.api.registry import ActionContext, ParamError, bool_param, int_param
from portal.catalogue_ext import catalogue_of


def _error(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def datastore_dump(resource_id: str) -> Response:
    """Every row of the view (or ``limit`` of them from ``offset``) in the chosen format."""
    catalogue = catalogue_of()
    params: dict[str, Any] = {k: v for k, v in request.args.items()}
    fmt = str(params.get("format", "csv")).lower()
    if fmt not in FORMATS:
        return _error(400, "format: csv, tsv, json or xlsx")
    try:
        ctx = ActionContext(catalogue, request, principal_for(catalogue, request.headers))
        readable_resource(ctx, resource_id)
        view = view_params(params)
        limit = int_param(params, "limit", 0, maximum=100_000_000)
        offset = int_param(params, "offset", 0, maximum=100_000_000)
        bom = bool_param(params, "bom", False)
        columns, rows = iter_rows(service_of(ctx).store, resource_id, view)
    except ParamError as exc:
        return _error(exc.status, exc.message)
    except QueryError as exc:
        return _error(400, exc.message)
    except CatalogueError as exc:
        from portal.api import error_payload

        _, status = error_payload(exc)
        return _error(status, exc.message)
    selected = islice(rows, offset, offset + limit if limit else None)
    response = Response(stream_with_context(dump(fmt, columns, selected, bom=bom)),
                        mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{resource_id}.{fmt}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
