"""The file store in an S3-protocol object store (AWS S3, MinIO, Ceph, Garage…), via boto3.

Objects are named as on disk, under the configured prefix: ``<prefix>/ab/<sha256>`` for
files, ``<prefix>/<blob name>`` for blobs (previews, the readiness probe). Uploads go from a
spooled temporary file through boto3's transfer manager, which switches to a multipart
upload for large files; downloads are streamed (issue 23).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import quote

from catalogue.files.store import SHA256, FileStore, check_blob_name, relative_name

MULTIPART_THRESHOLD = 16 * 1024 * 1024  # above this, uploads go in parts (and parts in parallel)
MULTIPART_CHUNK = 16 * 1024 * 1024
MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})


def _is_missing(exc: Exception) -> bool:
    response: dict[str, Any] = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", "")) in MISSING_CODES


class S3FileStore(FileStore):
    """Files and blobs as objects in ``bucket`` under ``prefix``."""

    client: Any

    def __init__(self, client: Any, bucket: str, prefix: str, max_bytes: int) -> None:
        self.client = client  # a boto3 S3 client (boto3 ships no type hints)
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.max_bytes = max_bytes

    @classmethod
    def connect(cls, bucket: str, prefix: str, max_bytes: int, *, endpoint: str = "",
                region: str = "", access_key: str = "", secret_key: str = "") -> S3FileStore:
        """A store reached with boto3; empty credentials fall back to boto3's own chain
        (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, ``~/.aws``, instance roles)."""
        import boto3
        from botocore.config import Config

        # Path-style addressing for a named endpoint: MinIO and most on-premises servers
        # do not resolve ``bucket.host`` names.
        config = Config(s3={"addressing_style": "path"} if endpoint else {},
                        signature_version="s3v4",  # presigned URLs too: SigV2 is retired
                        retries={"max_attempts": 3, "mode": "standard"},
                        connect_timeout=5, read_timeout=60)
        client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint or None, region_name=region or None,
            aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
            config=config)
        return cls(client, bucket, prefix, max_bytes)

    def _name(self, relative: str) -> str:
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def _object(self, key: str) -> str:
        return self._name(relative_name(key))

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    # -- files ------------------------------------------------------------------------------

    def _spool_dir(self) -> Path | None:
        return None

    def _keep(self, source: Path, key: str, *, replace: bool, move: bool) -> None:
        if not replace and self.exists(key):
            return  # content-addressed: the same name holds the same bytes
        from boto3.s3.transfer import TransferConfig

        self.client.upload_file(
            str(source), self.bucket, self._object(key),
            ExtraArgs={"ContentType": "application/octet-stream"},
            Config=TransferConfig(multipart_threshold=MULTIPART_THRESHOLD,
                                  multipart_chunksize=MULTIPART_CHUNK))

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def size(self, key: str) -> int | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._object(key))
        except self.client.exceptions.ClientError as exc:
            if _is_missing(exc):
                return None
            raise
        return int(head["ContentLength"])

    def open(self, key: str) -> BinaryIO:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._object(key))
        except self.client.exceptions.ClientError as exc:
            if _is_missing(exc):
                raise FileNotFoundError(f"{key} is not in {self.describe()}") from None
            raise
        return cast(BinaryIO, _Body(answer["Body"]))

    def keys(self) -> Iterator[str]:
        start = self._name("")
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                      Prefix=start)
        for page in pages:
            for item in page.get("Contents", []):
                relative = item["Key"][len(start):]
                head, _, name = relative.partition("/")
                if SHA256.fullmatch(name) and head == name[:2]:
                    yield name

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._object(key))

    def presigned_url(self, key: str, *, filename: str, mimetype: str,
                      expires: int) -> str | None:
        """A GET URL signed for ``expires`` seconds that names the download's file name and
        type, so the client sees what the portal itself would have sent."""
        disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
        url: str = self.client.generate_presigned_url(
            "get_object", ExpiresIn=expires,
            Params={"Bucket": self.bucket, "Key": self._object(key),
                    "ResponseContentDisposition": disposition,
                    "ResponseContentType": mimetype})
        return url

    # -- blobs ------------------------------------------------------------------------------

    def read_blob(self, name: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket,
                                            Key=self._name(check_blob_name(name)))
        except self.client.exceptions.ClientError as exc:
            if _is_missing(exc):
                return None
            raise
        data: bytes = answer["Body"].read()
        return data

    def write_blob(self, name: str, data: bytes) -> None:
        # One PUT is atomic in S3: readers see the old object or the new one, never half.
        self.client.put_object(Bucket=self.bucket, Key=self._name(check_blob_name(name)),
                               Body=data)

    def delete_blob(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(check_blob_name(name)))


class _Body:
    """An object's streamed body as a closable binary stream (``with store.open(k) as f``)."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._body.read(None if size < 0 else size)
        return data

    def close(self) -> None:
        self._body.close()

    def __enter__(self) -> _Body:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[bytes]:
        return cast(Iterator[bytes], self._body.iter_chunks(1 << 16))

