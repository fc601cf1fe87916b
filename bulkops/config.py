"""Settings: the only module that reads the environment.

Precedence: command-line flags > environment (`BULKOPS_*`, plus `CONVIRZA_TOKEN` and
`CONVIRZA_BASE_URL`) > `bulkops.toml` in the working directory > the defaults below.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "BREAKER_COOLDOWN",
    "BREAKER_THRESHOLD",
    "CALM_REQUESTS",
    "CONCURRENCY",
    "CONNECT_TIMEOUT",
    "DEFAULT_BASE_URL",
    "DEFAULT_OAUTH_URL",
    "DELETE_CONFIRM",
    "FAILED_SUFFIX",
    "GRACE_SECONDS",
    "JOURNAL_SUFFIX",
    "MAX_ATTEMPTS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "PAGE_SIZE",
    "PARKED_ROWS",
    "PROBLEMS_SHOWN",
    "RATE",
    "READ_TIMEOUT",
    "RECONCILE_CHECKS",
    "RECONCILE_DELAY",
    "REPORT_SUFFIX",
    "REQUEST_DEADLINE",
    "RESULTS_SUFFIX",
    "RETRY_AFTER_CAP",
    "RETRY_BUDGET",
    "RETRY_COST",
    "RETRY_REFUND",
    "SLOWEST_SHARE",
    "TEMPLATE_ROWS",
    "Settings",
    "settings_with",
]

DEFAULT_BASE_URL: Final = "https://platform-api.convirza.com/v3"
DEFAULT_OAUTH_URL: Final = "https://platform-oauth.convirza.com"

#: How many problems `bulkops validate` prints before "… and N more".
PROBLEMS_SHOWN: Final = 10
#: The report workbook written beside the input when validation finds problems.
REPORT_SUFFIX: Final = ".report.xlsx"
#: Limits on what a sheet may hold (an untrusted file must not exhaust the machine).
MAX_ROWS: Final = 1_000_000
#: runs of fewer rows read back what they wrote by default (`--verify/--no-verify`)
VERIFY_BELOW: Final = 10_000
MAX_COLUMNS: Final = 1_000
MAX_CELL_CHARS: Final = 32_767  # what an Excel cell can hold
#: How many rows of a template carry dropdowns and text formats.
TEMPLATE_ROWS: Final = 5000

# -- running ---------------------------------------------------------------------------
#: Requests started per second, across all workers (no published limit: be conservative).
RATE: Final = 10.0
#: Requests in flight at once.
CONCURRENCY: Final = 8
#: Seconds to open a connection, to wait for an answer, and for a whole request.
CONNECT_TIMEOUT: Final = 5.0
READ_TIMEOUT: Final = 30.0
REQUEST_DEADLINE: Final = 60.0
#: Attempts per request for retryable failures (the first included).
MAX_ATTEMPTS: Final = 4
#: Exponential backoff with full jitter: base and cap, in seconds.
BACKOFF_BASE: Final = 0.5
BACKOFF_CAP: Final = 20.0
#: A Retry-After longer than this stops the run (resumable) instead of sleeping for hours.
RETRY_AFTER_CAP: Final = 120.0
#: Retry budget per run (AWS-style): tokens, cost per retry, refund per success.
RETRY_BUDGET: Final = 500
RETRY_COST: Final = 5
RETRY_REFUND: Final = 1
#: Adaptive pacing: a 429 halves the rate (not below this share of --rate); calm restores it.
SLOWEST_SHARE: Final = 0.1
CALM_REQUESTS: Final = 20
#: After a create whose answer was lost: how many look-ups by natural key, the first
#: delay between them (doubling), before the row is declared unknown.
RECONCILE_CHECKS: Final = 3
RECONCILE_DELAY: Final = 1.0
#: Objects asked for per page of a list (the API's most).
PAGE_SIZE: Final = 200
#: Rows of a workbook waiting aside for the rows they refer to (each a small task) at most;
#: the sheet is read on once some of them went on.
PARKED_ROWS: Final = 1000
#: The circuit breaker: this many rows in a row failing for the API's reasons (5xx, no
#: answer, 403) pause dispatch; after the cooldown one probe decides: go on, or stop.
BREAKER_THRESHOLD: Final = 10
BREAKER_COOLDOWN: Final = 30.0
#: More deletes than this in one run need --yes (or a typed confirmation).
DELETE_CONFIRM: Final = 10
#: After a first Ctrl-C or SIGTERM: how long requests in flight may take to finish.
GRACE_SECONDS: Final = 10.0
#: The results workbook beside the input, and the rows left to fix.
RESULTS_SUFFIX: Final = ".results.xlsx"
FAILED_SUFFIX: Final = ".failed.xlsx"
#: The run's journal, beside the results workbook (named after it).
JOURNAL_SUFFIX: Final = ".journal"


class Settings(BaseSettings):
    """Every setting a command can take, with its documented source order."""

    model_config = SettingsConfigDict(
        env_prefix="BULKOPS_", toml_file="bulkops.toml", extra="ignore", populate_by_name=True
    )

    base_url: str = Field(
        DEFAULT_BASE_URL, validation_alias="CONVIRZA_BASE_URL", description="API base URL"
    )
    oauth_url: str = Field(
        DEFAULT_OAUTH_URL, validation_alias="CONVIRZA_OAUTH_URL", description="OAuth host"
    )
    problems_shown: int = Field(PROBLEMS_SHOWN, ge=0)
    token: SecretStr | None = Field(None, validation_alias="CONVIRZA_TOKEN")
    rate: float = Field(RATE, gt=0, description="requests started per second")
    concurrency: int = Field(CONCURRENCY, ge=1, le=512)
    connect_timeout: float = Field(CONNECT_TIMEOUT, gt=0)
    read_timeout: float = Field(READ_TIMEOUT, gt=0)
    max_attempts: int = Field(MAX_ATTEMPTS, ge=1, le=20)
    #: rows waiting aside for the rows they refer to, at most (memory against overlap)
    parked_rows: int = Field(PARKED_ROWS, ge=1, le=1_000_000)
    #: the in-process sandbox's reading of the docs where they leave a choice open, as
    #: `--variant` takes it: 'phones=e164, total=no' (docs/sandbox.md lists them)
    sandbox_variants: str = ""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def settings_with(base: Settings | None = None, **flags: Any) -> Settings:
    """The settings with the command-line flags given (None: not given) applied over `base`
    (else over the environment and bulkops.toml), validated like any other source: a flag
    out of range is a UsageError naming the flag, a bad environment value a ConfigError
    naming the variable."""
    from bulkops.errors import ConfigError, UsageError

    given = {name: value for name, value in flags.items() if value is not None}
    try:
        if base is None:
            return Settings(**given)
        return Settings(**{**base.model_dump(), **given})
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "a setting"
        reason = _reason(first["type"], first.get("ctx") or {}, str(first["msg"]))
        value = first.get("input")
        value = f"{value:g}" if isinstance(value, float) else value
        if name in given:
            raise UsageError(f"--{name.replace('_', '-')} {value}: {reason}") from None
        field = Settings.model_fields.get(name)
        alias = field.validation_alias if field is not None else None
        where = alias if isinstance(alias, str) else f"BULKOPS_{name.upper()}"
        raise ConfigError(
            f"the setting {name} = {value!r} ({where} or bulkops.toml): {reason}"
        ) from None


_BOUNDS: Final = {
    "less_than_equal": ("le", "must be at most {}"),
    "less_than": ("lt", "must be less than {}"),
    "greater_than_equal": ("ge", "must be at least {}"),
    "greater_than": ("gt", "must be more than {}"),
}


def _reason(kind: str, context: dict[str, Any], message: str) -> str:
    if kind in _BOUNDS:
        bound, text = _BOUNDS[kind]
        limit = context.get(bound)
        return text.format(f"{limit:g}" if isinstance(limit, float) else limit)
    return message[0].lower() + message[1:] if message else "not allowed"
