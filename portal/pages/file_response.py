"""The HTTP answer for bytes kept in the file store, wherever the store is (issue 23).

A local store (or shared mount) is served with ``send_file`` (ranges, sendfile); an object
store is streamed in chunks, or, with ``file_store_presigned_downloads``, answered with a
redirect to a presigned URL so the bytes go from the object store to the client. The ETag is
the sha256 in every case: the bytes behind it never change.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, redirect, request, send_file
from werkzeug.wrappers import Response as BaseResponse

from catalogue.files.store import FileStore
from portal.pages.public import catalogue


def send_stored(sha: str, *, filename: str, mimetype: str, max_age: int,
                last_modified: datetime | None = None) -> BaseResponse:
    """The stored bytes under ``sha`` as a download called ``filename``; a 404 when the
    store does not hold them."""
    files, settings = catalogue().files, catalogue().settings
    if settings.get("file_store_presigned_downloads"):
        url = files.presigned_url(sha, filename=filename, mimetype=mimetype,
                                  expires=int(settings.get("file_store_presigned_seconds", 300)))
        if url is not None:
            if files.size(sha) is None:
                abort(404)
            response = redirect(url, code=302)
            response.headers["Cache-Control"] = "private, no-store"  # the URL expires
            response.headers["X-Content-SHA256"] = sha
            return response
    local = files.local_path(sha)
    if local is not None:
        if not local.is_file():
            abort(404)
        response = send_file(local, mimetype=mimetype, as_attachment=True,
                             download_name=filename, etag=sha, conditional=True,
                             max_age=max_age, last_modified=last_modified)
    else:
        response = _streamed(files, sha, filename, mimetype, max_age, last_modified)
    response.headers["X-Content-SHA256"] = sha
    return response


def _streamed(files: FileStore, sha: str, filename: str, mimetype: str, max_age: int,
              last_modified: datetime | None) -> BaseResponse:
    """The bytes streamed from a remote store in chunks, never held whole in memory."""
    size = files.size(sha)
    if size is None:
        abort(404)
    try:
        stream = files.open(sha)
    except FileNotFoundError:
        abort(404)
    response = send_file(stream, mimetype=mimetype, as_attachment=True,
                         download_name=filename, etag=sha, conditional=False,
                         max_age=max_age, last_modified=last_modified)
    response.content_length = size
    # Conditional GETs still get their 304 (the ETag is the sha256); ranges need a seekable
    # file, so a remote store serves whole files (presigned URLs do ranges).
    return response.make_conditional(request, accept_ranges=False)
