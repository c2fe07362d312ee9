"""Encoding detection, kept importable from here; it lives in :mod:`catalogue.files.encoding`."""

from catalogue.files.encoding import (
    EncodingGuess,
    decode,
    detect_encoding,
    encode_windows_1258,
    transcode_to_utf8,
)

__all__ = ["EncodingGuess", "decode", "detect_encoding", "encode_windows_1258",
           "transcode_to_utf8"]
