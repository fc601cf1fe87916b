"""Settings: the only module that reads the environment.

Precedence: command-line flags > environment (`BULKOPS_*`, plus `CONVIRZA_TOKEN` and
`CONVIRZA_BASE_URL`) > `bulkops.toml` in the working directory > the defaults below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_OAUTH_URL",
    "PROBLEMS_SHOWN",
    "REPORT_SUFFIX",
    "TEMPLATE_ROWS",
    "Settings",
    "report_path_for",
]

DEFAULT_BASE_URL: Final = "https://platform-api.convirza.com/v3"
DEFAULT_OAUTH_URL: Final = "https://platform-oauth.convirza.com"

#: How many problems `bulkops validate` prints before "… and N more".
PROBLEMS_SHOWN: Final = 10
#: The report workbook written beside the input when validation finds problems.
REPORT_SUFFIX: Final = ".report.xlsx"
#: How many rows of a template carry dropdowns and text formats.
TEMPLATE_ROWS: Final = 5000


class Settings(BaseSettings):
    """Every setting a command can take, with its documented source order."""

    model_config = SettingsConfigDict(
        env_prefix="BULKOPS_", toml_file="bulkops.toml", extra="ignore"
    )

    base_url: str = Field(
        DEFAULT_BASE_URL, validation_alias="CONVIRZA_BASE_URL", description="API base URL"
    )
    oauth_url: str = Field(
        DEFAULT_OAUTH_URL, validation_alias="CONVIRZA_OAUTH_URL", description="OAuth host"
    )
    problems_shown: int = Field(PROBLEMS_SHOWN, ge=0)

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


def report_path_for(source: Path) -> Path:
    """Where the report of `source` goes when no -o is given: beside it."""
    return source.with_name(source.stem + REPORT_SUFFIX)
