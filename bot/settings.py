"""All configuration, read once from ``COACHBOT_*`` environment variables in ``main()``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.engine.roles import TeamRules
from bot.engine.working_time import WorkingTime
from bot.languages import LANGUAGES, Language

__all__ = ["LANGUAGES", "Language", "Settings"]


class Settings(BaseSettings):
    """Coachbot settings; every field can be set as ``COACHBOT_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="COACHBOT_", frozen=True)

    data_dir: Path = Field(
        default=Path("data"),
        description="Where the bot writes: the heartbeat, chart images and the default database.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; the default is coachbot.db, a SQLite file in the data dir.",
    )
    dialogues_dir: Path = Field(default=Path("dialogues"), description="Folder of dialogue YAML.")
    prompts_dir: Path = Field(default=Path("prompts"), description="Folder of Jinja2 templates.")
    db_busy_seconds: float = Field(
        default=5.0, gt=0, le=60, description="How long a step waits for a busy database."
    )
    db_pool_size: int = Field(default=10, ge=1, le=100, description="Server connections.")
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    cache_dir: Path = Field(
        default=Path(""),
        description="Where validated dialogues are remembered (default: cache in the data dir).",
    )
    default_language: Language = "nl"
    log_level: str = "WARNING"
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    log_message_texts: bool = Field(default=False, description="Debug only: log what users type.")
    work_days: str = Field(default="mon-fri", description="Days the bot may push: mon-fri, sat.")
    work_hours: str = Field(default="09:00-18:00", description="Hours the bot may push, local.")
    time_zone: str = Field(default="Europe/Amsterdam", description="Zone of the working hours.")
    admin_ids: str = Field(
        default="", description="Telegram user ids of the first admins, separated by commas."
    )
    invite_days: int = Field(default=7, ge=1, le=365, description="Days a team invite works.")

    @model_validator(mode="after")
    def _admin_ids_read(self) -> Settings:
        """Admin ids that are not Telegram user ids stop the start with the one that is wrong."""
        self.team_rules()
        return self

    def team_rules(self) -> TeamRules:
        """The first admins (from ``COACHBOT_ADMIN_IDS``) and how long invites work."""
        ids = [part.strip() for part in self.admin_ids.split(",") if part.strip()]
        for part in ids:
            if not part.isascii() or not part.isdigit() or len(part) > 15:
                raise ValueError(f"COACHBOT_ADMIN_IDS: {part!r} is not a Telegram user id")
        admins = frozenset(f"telegram:{int(part)}" for part in ids)
        zone = self.working_time().zone
        return TeamRules(admin_ids=admins, invite_days=self.invite_days, zone=zone)

    @model_validator(mode="after")
    def _working_time_reads(self) -> Settings:
        """A working time that cannot be read stops the start with its reason."""
        self.working_time()
        return self

    def working_time(self) -> WorkingTime:
        """When the bot may send a message on its own (check-ins on their day)."""
        return WorkingTime.parse(self.work_days, self.work_hours, self.time_zone)

    @model_validator(mode="before")
    @classmethod
    def _paths_in_the_data_dir(cls, data: Any) -> Any:
        """The default database (a SQLite file) and content cache live in the data dir."""
        if not isinstance(data, dict):
            return data
        folder = Path(data.get("data_dir") or "data")
        if not data.get("database_url"):
            data = {**data, "database_url": f"sqlite:///{folder / 'coachbot.db'}"}
        if not data.get("cache_dir"):
            data = {**data, "cache_dir": folder / "cache"}
        return data
