"""The append-only, hash-chained audit log (issue 7; Sơn La 20/2023 Điều 9)."""

from catalogue.audit.log import (
    Verification,
    entries,
    export_csv,
    recent,
    record,
    record_unit,
    verify,
)

__all__ = ["Verification", "entries", "export_csv", "recent", "record", "record_unit", "verify"]
