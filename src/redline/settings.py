"""Every default Redline uses, in one place, each with the reason for its value.

One ``Settings`` object (pydantic-settings) made of sections, one frozen dataclass per section
with a docstring per field. ``Settings()`` is the defaults alone; ``load_settings`` is what the
CLI runs, and applies, lowest to highest precedence:

1. the defaults below,
2. a TOML config file (``--config FILE`` or ``REDLINE_CONFIG``), one ``[section]`` table each,
3. ``REDLINE_*`` environment variables, sections nested with ``__`` (``REDLINE_FETCH__TIMEOUT=5``),
4. command-line flags.

Per-source values in a sources file override the politeness and schedule settings for that
source only. docs/configuration.md documents every field with its default (a test compares both).
Pure policy functions take the values they need as parameters; only callers read this object.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    ValidationError,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from redline import __version__
from redline.errors import ConfigError

USER_AGENT = (
    f"Redline/{__version__} (news change tracker; +https://github.com/redline-news/redline)"
)
CONFIG_ENV = "REDLINE_CONFIG"
ENV_PREFIX = "REDLINE_"

# Every section refuses unknown keys, so a typo in a config file is an error, not ignored.
SECTION = ConfigDict(extra="forbid")


def _duration(value: Any) -> Any:
    """'90s', '15m', '3h', '7d' or a number of seconds, as in a sources file."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        from redline.frontier.schedule import parse_duration

        if isinstance(value, str):
            value = value.strip()
            with contextlib.suppress(ValueError):
                value = float(value)  # a number of seconds, as an environment variable gives it
        try:
            return parse_duration(value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from exc
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration)]
Fraction = Annotated[float, Field(ge=0, le=1)]
Port = Annotated[int, Field(ge=1, le=65535)]


def _schedule(value: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    from redline.frontier.schedule import SchedulePolicy

    try:
        SchedulePolicy.from_config(value)
    except ConfigError as exc:
        raise ValueError(str(exc)) from exc
    return value


Schedule = Annotated[tuple[tuple[str, str], ...], AfterValidator(_schedule)]


@dataclass(frozen=True)
class FetchSettings:
    __pydantic_config__ = SECTION

    user_agent: str = USER_AGENT
    """Sent on every request and matched against robots.txt groups."""
    timeout: PositiveFloat = 20.0
    """Seconds for connect, read and write each; a hanging site costs at most this per try."""
    total_timeout: PositiveFloat = 60.0
    """Seconds one whole try may take, so a site trickling one byte a second is cut off."""
    max_body_bytes: PositiveInt = 10 * 1024 * 1024
    """Pages larger than this (decompressed) are cut off and recorded as an error (too_large)."""
    max_redirects: NonNegativeInt = 5
    """Redirect hops followed before giving up (too_many_redirects)."""
    retries: NonNegativeInt = 2
    """Extra tries after a timeout, connection error or 5xx."""
    retry_backoff: NonNegativeFloat = 1.0
    """Seconds before the first retry; doubled for each further one."""
    global_concurrency: PositiveInt = 16
    """Requests in flight at once across all hosts (`redline worker --concurrency`)."""
    per_host_concurrency: PositiveInt = 2
    """Requests in flight at once to one host (polite for real sites)."""
    per_host_delay: NonNegativeFloat = 1.0
    """Seconds between the starts of two requests to one host."""
    respect_robots: bool = True
    """Obey robots.txt (Protego) for the User-Agent above."""
    robots_ttl: NonNegativeFloat = 3600.0
    """Seconds a host's robots.txt is cached."""
    discovery_concurrency: PositiveInt = 4
    """Feed, sitemap and homepage requests in flight at once, a budget of their own apart from
    ``global_concurrency``, so slow feeds never take the slots article checks need."""


@dataclass(frozen=True)
class CrawlSettings:
    __pydantic_config__ = SECTION

    discover_every: Duration = timedelta(minutes=10)
    """How often each source's feeds, sitemaps and homepage are polled."""
    schedule: Schedule = (("3h", "15m"), ("1d", "1h"), ("7d", "3h"), ("30d", "3d"), ("365d", "30d"))
    """Check every `interval` while the last change is younger than `age`; never after the last tier."""
    schedule_jitter: Fraction = 0.1
    """± random spread of each check interval, so articles found together are not all due at once."""
    batch_size: PositiveInt = 200
    """Due articles taken from the frontier at a time."""
    lease: Duration = timedelta(minutes=5)
    """How long a claimed article stays reserved for one worker; a dead worker's claims expire."""
    idle_transaction_timeout: Duration = timedelta(seconds=60)
    """On PostgreSQL, a crawling process's session that stays this long inside a transaction
    without a statement is ended by the server: a stopped worker (SIGSTOP, a paused VM) then
    frees the rows it had locked, which other workers would otherwise skip or wait on for as
    long as it stays stopped. A crawl's transactions take milliseconds. 0 turns it off (as
    behind a PgBouncer in transaction mode, where a session setting does not hold)."""
    source_batch: PositiveInt = 5
    """Sources claimed for discovery at a time (each batch leased from the moment of its claim)."""
    discovery_sources: PositiveInt = 2
    """Sources one worker discovers at once; discovery runs beside the checks, never before them."""
    discovery_document_timeout: PositiveFloat = 90.0
    """Seconds one feed, sitemap or homepage may take in all (fetch with retries, and parse)."""
    discovery_source_timeout: PositiveFloat = 240.0
    """Seconds one source's whole discovery may take; documents not reached are tried next time."""
    shutdown_grace: NonNegativeFloat = 3.0
    """Seconds in-flight checks get to finish after SIGTERM before they are cut off (and their
    articles released); discovery stops at once. A second signal exits immediately."""
    heartbeat_every: PositiveFloat = 30.0
    """Seconds between a worker's heartbeats (`redline status`), also in the middle of a round."""
    max_sleep: PositiveFloat = 60.0
    """Longest sleep of `redline crawl` between rounds, so new sources are noticed."""
    missing_checks_for_deletion: PositiveInt = 2
    """Consecutive 404/410 answers before an article is marked deleted/gone."""
    paywall_ratio: Fraction = 0.5
    """A body shorter than this fraction of the previous version with a paywall phrase is suspect."""
    shrink_ratio: Fraction = 0.3
    """A body shorter than this fraction of a long previous version is suspect even without a phrase."""
    min_words: NonNegativeInt = 25
    """Captures with fewer body words are fragments or error pages, never versions."""
    shrink_min_words: NonNegativeInt = 150
    """A previous version needs this many words before the shrink rule (and a paywall teaser) applies."""
    error_page_ratio: Fraction = 0.5
    """A page titled like an error page is suspect when below this fraction of the previous body."""
    same_story_similarity: Fraction = 0.9
    """A redirect target whose body is at least this alike (0..1) is the same story, moved."""
    record_warc: bool = True
    """Keep WARC records (request, response or revisit) of captures that yield a version, a deletion or a redirect (docs/archive.md)."""


@dataclass(frozen=True)
class FurnitureSettings:
    """Learning each source's furniture (redline.furniture; docs/extraction.md)."""

    __pydantic_config__ = SECTION

    learn: bool = True
    """Learn furniture from what is crawled; off, only the rules already stored and the sources
    file's pins apply."""
    min_articles: PositiveInt = 3
    """A block in the first versions of this many different articles of a source is template."""
    max_block_words: PositiveInt = 80
    """Longer blocks are story text, never counted as template furniture or rotating."""
    max_rotating_blocks: PositiveInt = 3
    """At most this many blocks may change on each side for a capture to count as rotation only."""
    min_stable_share: Fraction = 0.8
    """A rotation needs at least this share of the body's words unchanged."""
    link_density: Fraction = 0.5
    """A changed block with at least this share of its text in links is teaser-like."""
    refresh_every: PositiveFloat = 60.0
    """Seconds a worker keeps a source's learned rules and headlines before reading them again
    (its own new rules apply at once)."""


@dataclass(frozen=True)
class ArchiveSettings:
    __pydantic_config__ = SECTION

    wayback_base: str = "https://web.archive.org"
    """Wayback-compatible archive `redline backfill` asks (CDX API and raw mementos)."""
    backfill_concurrency: PositiveInt = 2
    """Mementos fetched at once during a backfill: small, to be polite to the archive."""
    backfill_retries: NonNegativeInt = 4
    """Tries after a 429, 5xx or connection error before a memento or CDX query is given up."""
    max_retry_after: PositiveFloat = 60.0
    """Longest wait honoured from a Retry-After header (seconds); longer waits are capped."""
    timeout: PositiveFloat = 30.0
    """Seconds for connect, read and write of each archive request."""


@dataclass(frozen=True)
class DiscoverySettings:
    __pydantic_config__ = SECTION

    max_sitemap_urls: PositiveInt = 50_000
    """URLs one sitemap may list (the sitemap protocol's limit); a longer one is refused."""
    max_xml_bytes: PositiveInt = 50 * 1024 * 1024
    """Largest feed or sitemap, uncompressed (the sitemap protocol's limit); larger ones are refused."""
    max_child_sitemaps: NonNegativeInt = 20
    """Child sitemaps of a sitemap index followed per poll (the first listed; one level only)."""
    max_feed_entries: PositiveInt = 10_000
    """Entries one feed may list (far more than any news feed carries); the first ones are kept."""


@dataclass(frozen=True)
class ExtractSettings:
    __pydantic_config__ = SECTION

    min_body_words: NonNegativeInt = 25
    """A rules-based or structured-data body below this many words falls back to the next method."""
    short_body_words: NonNegativeInt = 150
    """A precision-mode trafilatura body below this many words is retried in balanced mode."""
    max_html_chars: PositiveInt = 8_000_000
    """Pages longer than this (decoded characters) are not articles and are not parsed."""
    max_region_nodes: PositiveInt = 5000
    """An article container with more elements than this is not fingerprinted (too costly)."""


@dataclass(frozen=True)
class WebSettings:
    __pydantic_config__ = SECTION

    host: str = "127.0.0.1"
    """Address `redline serve` and `redline run` listen on (0.0.0.0 for every interface)."""
    port: Port = 8000
    """Port `redline serve` and `redline run` listen on."""
    session_lifetime: Duration = timedelta(hours=12)
    """How long an operator stays signed in to the web UI after `/login` with an API token."""
    base_url: str | None = None
    """Public address of the web interface (e.g. https://redline.example.org/), used for every absolute link in feeds and notifications; without it feeds use the Host header of loopback requests only, notifications the listening address. (Formerly also `notify.base_url`: that key is now an error naming this one.)"""
    workers: PositiveInt = 1
    """Processes `redline serve` and `redline run` answer requests with (each with its own database pool and page cache; use about one per core)."""


@dataclass(frozen=True)
class WorkerSettings:
    __pydantic_config__ = SECTION

    metrics_host: str = "127.0.0.1"
    """Address `redline worker --metrics-port` listens on (0.0.0.0 to be scraped from elsewhere)."""


@dataclass(frozen=True)
class DemoSettings:
    __pydantic_config__ = SECTION

    port: Port = 8000
    """Port of the demo's web UI."""
    articles: PositiveInt = 12
    """Articles in the simulated newsroom."""
    advance_every: PositiveFloat = 20.0
    """Seconds between the simulated newsroom's scripted edit rounds."""
    check_every: Duration = timedelta(seconds=10)
    """How often the demo re-checks every article, so each edit round is its own version."""
    discover_every: Duration = timedelta(seconds=5)
    """How often the demo polls the newsroom's feeds, sitemap and homepage."""


@dataclass(frozen=True)
class NotifySettings:
    """Notifications: subscriptions and their deliveries (docs/notify.md)."""

    __pydantic_config__ = SECTION

    poll_every: PositiveFloat = 0.5
    """Seconds between a deliverer's looks at the outbox when nothing is due sooner."""
    batch_size: PositiveInt = 50
    """Deliveries of one subscription claimed (and leased) at a time."""
    parallel: PositiveInt = 8
    """Requests in flight at once to one destination (each group is marked sent together)."""
    lease: Duration = timedelta(minutes=2)
    """How long claimed deliveries stay reserved to one deliverer; a dead one's expire."""
    timeout: PositiveFloat = 10.0
    """Seconds one send may take, so a hanging destination holds its own batch only."""
    backoff: PositiveFloat = 5.0
    """Seconds before the first retry of a failing destination; doubled for each further one."""
    backoff_max: PositiveFloat = 3600.0
    """Longest wait between two tries of a failing destination (also caps `Retry-After`)."""
    max_attempts: PositiveInt = 20
    """Tries of one delivery before it is marked failed for good (about a day of backoff)."""
    once_wait: NonNegativeFloat = 30.0
    """Seconds `redline crawl --once` waits for the deliveries its round made due."""
    secret_key: str | None = None
    """Encrypts webhook secrets and destination URLs stored from then on (a long random string;
    every process that delivers or lists needs the same). Unset: stored in clear."""


def links_base(web: WebSettings) -> str:
    """Where readers reach the web UI, for links sent elsewhere (notifications): `web.base_url`,
    else the address `redline serve` listens on."""
    if web.base_url:
        return web.base_url
    host = "127.0.0.1" if web.host in ("0.0.0.0", "::", "") else web.host
    return f"http://{f'[{host}]' if ':' in host else host}:{web.port}/"


# Settings that moved: a config file or environment variable still naming the old key gets a
# one-line error naming the new one.
MOVED = {"notify.base_url": "web.base_url"}


class Settings(BaseSettings):
    """The whole configuration; ``Settings()`` is the defaults, ``load_settings()`` the rest."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        validate_default=False,
    )

    data_dir: Path = Path("redline-data")
    """Where Redline keeps its data (the SQLite database by default)."""
    database_url: str | None = None
    """sqlite:///PATH or postgresql://USER@HOST/DB; unset means SQLite in the data dir."""
    fetch: FetchSettings = field(default_factory=FetchSettings)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    discovery: DiscoverySettings = field(default_factory=DiscoverySettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    web: WebSettings = field(default_factory=WebSettings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    demo: DemoSettings = field(default_factory=DemoSettings)
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)
    furniture: FurnitureSettings = field(default_factory=FurnitureSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """``Settings(...)`` reads nothing from outside; ``load_settings`` layers the rest."""
        return (init_settings,)


@dataclass(frozen=True)
class Loaded:
    """Settings in effect and where each value came from (`redline config show`)."""

    settings: Settings
    origins: dict[str, str]
    config_file: Path | None = None


def _flatten(values: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    for key, value in values.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"


def _merge(*layers: Mapping[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
                merged[key] = _merge(merged[key], value)
            else:
                merged[key] = dict(value) if isinstance(value, Mapping) else value
    return merged


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a directory, not a TOML file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _env_name(key: str) -> str:
    return ENV_PREFIX + key.replace(".", "__").upper()


def load_settings(
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Loaded:
    """Defaults < config file < ``REDLINE_*`` environment < ``overrides`` (command-line flags,
    nested like the file: ``{"fetch": {"timeout": 5}}``). A bad key or value is a ConfigError
    naming where it came from."""
    env = os.environ if environ is None else environ
    path = config_file or (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    from_file = _read_file(path) if path else {}
    env_source = EnvSettingsSource(Settings)
    if environ is not None:
        env_source.env_vars = {k.lower(): v for k, v in environ.items()}
    from_env = env_source()
    from_cli = dict(overrides or {})
    layers = (("file", from_file), ("env", from_env), ("cli", from_cli))
    origins: dict[str, str] = {}
    for name, layer in layers:
        for key in _flatten(layer):
            origins[key] = {"file": f"file {path}", "env": f"env {_env_name(key)}"}.get(
                name, "command line"
            )
    try:
        settings = Settings(**_merge(from_file, from_env, from_cli))
    except ValidationError as exc:
        raise ConfigError(_explain(exc, origins)) from None
    return Loaded(settings, origins, path)


def _explain(exc: ValidationError, origins: Mapping[str, str]) -> str:
    """One line for the first problem: where the value came from, which key, what is wrong."""
    e = exc.errors()[0]
    key = ".".join(str(p) for p in e["loc"])
    where = origins.get(key) or next(
        (o for k, o in origins.items() if k.startswith(key + ".")), "settings"
    )
    if key in MOVED:
        return f"{where}: the setting {key!r} is now {MOVED[key]!r} (one address for feeds and notifications); rename it"
    if e["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        known = ", ".join(sorted(_known_keys(key.rpartition(".")[0])))
        return f"{where}: unknown setting {key!r} (known here: {known})"
    msg = e["msg"].removeprefix("Value error, ")
    return f"{where}: bad value {e.get('input')!r} for {key}: {msg}"


def _known_keys(section: str) -> list[str]:
    if not section:
        return list(Settings.model_fields)
    cls = (
        Settings.model_fields[section].default_factory if section in Settings.model_fields else None
    )
    return [f.name for f in fields(cls)] if cls and is_dataclass(cls) else []


def sections() -> dict[str, type]:
    """Section name → dataclass, for documentation and `redline config show`."""
    out: dict[str, type] = {}
    for name, info in Settings.model_fields.items():
        factory = info.default_factory
        if isinstance(factory, type) and is_dataclass(factory):
            out[name] = factory
    return out


def flat(settings: Settings) -> dict[str, Any]:
    """Every setting as ``section.name`` (top-level ones bare) → value."""
    values: dict[str, Any] = {}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if is_dataclass(value):
            for f in fields(value):
                values[f"{name}.{f.name}"] = getattr(value, f.name)
        else:
            values[name] = value
    return values


def format_value(value: Any) -> str:
    """A value as written in a config file (durations as '10m')."""
    from redline.frontier.schedule import format_duration

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, timedelta):
        return f'"{format_duration(value)}"'
    if isinstance(value, str | Path):
        return f'"{value}"'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if value is None:
        return "unset"
    return repr(value)
