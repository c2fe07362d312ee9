"""Every setting, declared once with its name, type, default and help.

Settings come from the defaults, then the home's ``dulieumo.toml``, then ``DULIEUMO_<NAME>``
environment variables, then explicit overrides (tests). The README documents each one; a test
fails when one is missing there.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalogue.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str
    choices: tuple[str, ...] = ()


SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", str, "",
            "SQLAlchemy URL of the catalogue database. Empty: SQLite file `dulieumo.sqlite` "
            "in the home. Production: `postgresql+psycopg://user:pass@host/db`."),
    Setting("search_backend", str, "whoosh",
            "Search engine: `whoosh` (index on local disk in the home; one machine) or "
            "`postgres` (in the catalogue database; several machines).",
            choices=("whoosh", "postgres")),
    Setting("search_in_memory", bool, True,
            "With `search_backend = postgres`: each worker keeps the search columns (stored "
            "fields, filter terms, postings of the terms searched) in memory, about 1 kB per "
            "dataset plus a bounded posting cache, and SQL only finds term postings (fast on "
            "broad queries). `false`: everything is ranked and counted in SQL (less memory, "
            "slower when a query matches thousands of datasets)."),
    Setting("search_posting_cache_mb", int, 1024,
            "With `search_backend = postgres` and `search_in_memory`: the most memory (MiB) "
            "each worker gives to cached postings of searched terms. Within it the cache "
            "grows with the catalogue, 768 bytes per dataset, at least 128 MiB (about 730 "
            "MiB at 1M datasets); it holds only what was searched."),
    Setting("site_url", str, "http://127.0.0.1:5000",
            "Public base URL of the portal, used in citations, feeds, DCAT and e-mails."),
    Setting("site_title", str, "Cổng dữ liệu mở",
            "Portal name shown in pages, citations and feeds."),
    Setting("site_title_en", str, "Open Data Portal", "Portal name in English."),
    Setting("site_publisher", str, "",
            "Agency that runs the portal, named as the publisher of the DCAT catalogue "
            "(mandatory in DCAT-AP). Empty: the portal's title."),
    Setting("default_locale", str, "vi", "Language of the portal by default.",
            choices=("vi", "en")),
    Setting("secret_key", str, "",
            "Key signing sessions and CSRF tokens. Empty: one random key kept in the catalogue "
            "database, so every machine sharing it signs alike (seeded from the home's "
            "`secret_key` file where one exists)."),
    Setting("secret_key_fallbacks", str, "",
            "Earlier signing keys, comma-separated, still accepted (never used to sign) while "
            "a new `secret_key` rolls out: sessions signed with them stay valid."),
    Setting("api_rate_limit", int, 1200,
            "API calls a minute from one client address (anonymous callers), counted in the "
            "database across every worker and machine; over it: 429 with `Retry-After`. "
            "0: no limit."),
    Setting("api_rate_limit_token", int, 12000,
            "API calls a minute with one account's token (higher than for anonymous "
            "callers). 0: no limit."),
    Setting("allow_internal_hosts", str, "",
            "Hosts (comma-separated, `host` or `host:port`) that harvest sources added on the "
            "web and the link checker may reach at internal addresses (loopback, private "
            "networks). Empty: they reach public hosts only; harvest config files name their "
            "own `allow_hosts`."),
    Setting("max_upload_mb", int, 200, "Largest file accepted by upload or harvest, in MiB."),
    # One file store for every machine (issue 23).
    Setting("file_store", str, "",
            "Where uploaded and harvested files (kept by sha256) and their previews live. "
            "Empty: `files/` in the home (one machine). A path (absolute, or relative to the "
            "home): a disk or a shared mount every machine mounts at the same place. "
            "`s3://bucket/prefix`: an S3-protocol object store (AWS S3, MinIO, Ceph) that "
            "every machine reaches; see the `file_store_*` settings."),
    Setting("file_store_endpoint", str, "",
            "With `file_store = s3://…`: the S3 server's URL (`https://minio.example.vn:9000`; "
            "path-style addressing). Empty: AWS S3."),
    Setting("file_store_region", str, "",
            "With `file_store = s3://…`: the region (empty: `AWS_DEFAULT_REGION` or boto3's "
            "default)."),
    Setting("file_store_access_key", str, "",
            "With `file_store = s3://…`: the access key id. Empty: the standard AWS chain "
            "(`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, `~/.aws/credentials`, an instance "
            "role)."),
    Setting("file_store_secret_key", str, "",
            "With `file_store = s3://…`: the secret access key (prefer the environment, "
            "`DULIEUMO_FILE_STORE_SECRET_KEY` or `AWS_SECRET_ACCESS_KEY`, to the config file)."),
    Setting("file_store_presigned_downloads", bool, False,
            "With `file_store = s3://…`: downloads redirect to a presigned URL of the object "
            "(the bytes go from the object store to the client, not through the portal). "
            "`false`: the portal streams them."),
    Setting("file_store_presigned_seconds", int, 300,
            "How long a presigned download URL stays valid, in seconds."),
    Setting("preview_rows", int, 100, "Rows shown per page in a resource preview."),
    # Maps (issue 22): the base layer is the country outline shipped with the app.
    Setting("map_tile_url", str, "",
            "Tile server drawn under map previews, as a Leaflet URL template "
            "(`https://tiles.example.vn/{z}/{x}/{y}.png`); its origin is added to the pages' "
            "Content-Security-Policy. Empty: no tiles, only the country outline shipped with "
            "the portal (works offline; no third party sees who reads what)."),
    Setting("map_tile_attribution", str, "",
            "Attribution the tile server's licence asks for, shown on the map (plain text)."),
    # Bounded reading of every file (issue 15): previews, the personal-data screen, validation.
    Setting("file_max_unpacked_mb", int, 200,
            "Largest uncompressed content, in MiB, that previews, the personal-data screen and "
            "validation read from one file (the members of an XLSX or other zip, a GZIP "
            "file's data, an XLS file; JSON, parsed whole, up to an eighth of it). A file "
            "declaring more is not opened (decompression bombs): its page says it is too "
            "large to preview and its validation fails with `limit-error`."),
    Setting("file_max_cells", int, 2_000_000,
            "Most table cells that the personal-data screen and validation read from one file; "
            "they stop there and say so. Previews read at most 200,000 of them."),
    Setting("api_max_rows", int, 1000,
            "Most results `package_search` returns a page; a larger `rows` is capped (as CKAN)."),
    # Operations (issue 8): backups, notices, usage counters.
    Setting("backup_dir", str, "",
            "Where `dulieumo backup` and the scheduler write backups. Empty: `backups/` in the "
            "home. Regulations want it on another disk or server (a mounted path, or "
            "`sftp://user@host:port/path`)."),
    Setting("backup_keep_daily", int, 7, "Backups kept: the newest of each of the last N days."),
    Setting("backup_keep_weekly", int, 4, "Backups kept: the newest of each of the last N weeks."),
    Setting("backup_keep_monthly", int, 12,
            "Backups kept: the newest of each of the last N months."),
    Setting("catalogue_dump_hour", int, 1, "Hour (UTC, 0-23) after which the scheduler "
            "writes the nightly catalogue dump (`/catalogue/dump.jsonl` and `.csv`)."),
    Setting("backup_hour", int, 2, "Hour (UTC, 0-23) after which the scheduler takes the "
            "daily backup."),
    Setting("backup_sftp_key", str, "",
            "Private key (no passphrase) that logs in to an `sftp://` backup location; a "
            "relative path is read from the home. Empty: the system user's `~/.ssh/id_*`."),
    Setting("backup_sftp_known_hosts", str, "~/.ssh/known_hosts",
            "known_hosts file the SFTP backup server's host key must be in; an unknown or "
            "changed key is refused. A relative path is read from the home."),
    Setting("notice_min_working_days", int, 7,
            "A maintenance window announced fewer working days ahead than this gets a warning "
            "(Sơn La 20/2023 Điều 13.4)."),
    Setting("usage_flush_every", int, 200,
            "Download and API counters are written to the database after this many requests "
            "per worker (or `usage_flush_seconds`), never per request."),
    Setting("usage_flush_seconds", int, 60, "Longest time counted usage waits in memory."),
    Setting("log_json", bool, True, "Write request logs as JSON lines with request ids."),
    Setting("proxy_trusted_hops", int, 0,
            "Reverse proxies in front of the portal whose `X-Forwarded-For` and "
            "`X-Forwarded-Proto` are believed (werkzeug ProxyFix). 0: not behind a proxy, "
            "the connection's address is the client's. Behind one nginx: 1. Set it, or every "
            "visitor has the proxy's address and the log-in throttle treats them as one."),
    # Accounts (issue 7; Sơn La 20/2023 Điều 13.1).
    Setting("account_password_change_days", int, 7,
            "A new account (or a reset password) must get a password of its own within this "
            "many days, or the account locks."),
    Setting("account_inactive_lock_days", int, 30,
            "An account not used (log-in or API token) for this many days locks."),
    Setting("account_max_failed_logins", int, 5,
            "Failed log-ins in a row for one account from one address after which that address "
            "may not try that account for `account_lock_minutes`. The account itself never "
            "locks on failures (whoever knows a login name could lock its officer out)."),
    Setting("account_lock_minutes", int, 15,
            "How long an address waits after `account_max_failed_logins` failures on one "
            "account."),
    Setting("account_ip_max_failures", int, 20,
            "Failed log-ins from one IP address within `account_ip_window_minutes` after which "
            "that address is refused without checking passwords (brute-force throttle)."),
    Setting("account_ip_window_minutes", int, 15, "Window of the per-address throttle."),
    Setting("account_session_hours", int, 12, "A log-in session ends after this many hours."),
    Setting("account_token_default_days", int, 90, "Lifetime of a new API token by default."),
    Setting("account_token_max_days", int, 365, "Longest lifetime an API token may be given."),
    # Trust and reuse (issue 9): default licence, e-mail notifications.
    Setting("default_license", str, "vn-open-data-terms",
            "Licence given to datasets whose agency names none: the statutory open-data terms "
            "(Law on E-Transactions 2023 Art. 43, Decree 194/2025). Harvest sources without "
            "their own `default_license` use it."),
    Setting("smtp_host", str, "",
            "SMTP server that sends subscription e-mails (confirmations, digests). Empty: "
            "no e-mail is sent; notifications wait in the database."),
    Setting("smtp_port", int, 25, "Port of `smtp_host`."),
    Setting("mail_from", str, "noreply@localhost",
            "Sender address of subscription e-mails."),
    Setting("datastore_url", str, "",
            "Where the datastore's tables live (issue 21). Empty: SQLite file "
            "`datastore.sqlite` in the home (SQLite catalogue), or schema `datastore` of the "
            "catalogue's PostgreSQL database. A `postgresql+psycopg://` URL: that database."),
    Setting("datastore_read_url", str, "",
            "PostgreSQL URL of a login that may only read schema `datastore`, for queries (as "
            "CKAN's `datastore.read_url`). Empty: queries switch to the role "
            "`dulieumo_datastore_reader`, created when the datastore's login may."),
    Setting("datastore_max_cells", int, 50_000_000,
            "Most cells one file may load into the datastore; a larger file is not loaded "
            "and its page says why."),
    Setting("datastore_max_rows", int, 32000,
            "Most rows one `datastore_search` page or `datastore_search_sql` answer returns "
            "(larger `limit` is capped; SQL answers say `records_truncated`)."),
    Setting("datastore_timeout_seconds", int, 10,
            "Statement timeout of datastore queries (`datastore_search`, `_sql`), seconds."),
    Setting("datastore_worker", bool, True,
            "The web process loads queued files in a background thread. false: only "
            "`dulieumo schedule` and `dulieumo datastore load` do."),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
ENV_PREFIX = "DULIEUMO_"


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    """Check a value's type (converting strings from the environment) or raise ConfigError."""
    expected = setting.type
    if isinstance(value, str) and expected is not str and origin.startswith("environment"):
        try:
            value = int(value) if expected is int else value
            if expected is bool:
                value = value.lower() in {"1", "true", "yes", "on"}
        except ValueError:
            raise ConfigError(
                f"{origin}: key '{setting.name}': expected {expected.__name__}, got {value!r}"
            ) from None
    if expected is int and isinstance(value, bool) or not isinstance(value, expected):
        raise ConfigError(
            f"{origin}: key '{setting.name}': expected {expected.__name__}, "
            f"got {type(value).__name__} {value!r}"
        )
    if setting.choices and value not in setting.choices:
        raise ConfigError(
            f"{origin}: key '{setting.name}': expected one of {', '.join(setting.choices)}, "
            f"got {value!r}"
        )
    return value


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning syntax errors into a ConfigError naming the file."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def load_settings(
    config_file: Path | None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge defaults, the TOML file, the environment and overrides into one checked dict."""
    values = {s.name: s.default for s in SETTINGS}
    if config_file is not None and config_file.exists():
        for key, value in read_toml(config_file).items():
            setting = SETTINGS_BY_NAME.get(key)
            if setting is None:
                known = ", ".join(sorted(SETTINGS_BY_NAME))
                raise ConfigError(f"{config_file}: unknown key '{key}'; known keys: {known}")
            values[key] = _coerce(setting, value, str(config_file))
    environ = os.environ if environ is None else environ
    for setting in SETTINGS:
        env_name = ENV_PREFIX + setting.name.upper()
        if env_name in environ:
            values[setting.name] = _coerce(setting, environ[env_name], f"environment {env_name}")
    for key, value in (overrides or {}).items():
        setting = SETTINGS_BY_NAME.get(key)
        if setting is None:
            raise ConfigError(f"overrides: unknown key '{key}'")
        values[key] = _coerce(setting, value, "overrides")
    return values
