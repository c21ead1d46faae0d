"""Settings, read once in entry points (prefix ``ANYE_``); everything below takes plain arguments."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.crypto import PersonalDataCipher, load_or_create_secret
from models.errors import Misconfigured

__all__ = ["Settings", "load_settings"]

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANYE_", env_file=".env", extra="ignore")

    env: str = Field("development", description="development | production")
    var_dir: Path = ROOT / "var"
    database_url: str | None = None
    redis_url: str | None = None
    secret_key: str | None = Field(None, description="secret for encrypting personal data")
    port: int = 8000
    token_hours: int = Field(12, ge=1, description="hours a sign-in token stays valid")
    link_hours: int = Field(72, ge=1, description="hours a sign-in link a broker issues to a worker stays valid")
    result_cache_seconds: int = Field(
        600, ge=0, description="seconds candidate lists and recommendations stay cached (0: not cached)"
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses of reverse proxies whose X-Forwarded-For is believed (JSON list)",
    )

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.var_dir / 'anye.sqlite3'}"

    def secret(self) -> str:
        if self.secret_key:
            return self.secret_key
        if self.env == "production":
            raise Misconfigured("生产环境必须设置 ANYE_SECRET_KEY（个人信息加密密钥）。")
        if self.database_url:
            # a key generated per checkout would hash the same ID differently on each machine sharing
            # the database: every person would be entered again, and old phones could not be read
            raise Misconfigured(
                "使用外部数据库（ANYE_DATABASE_URL）时必须设置 ANYE_SECRET_KEY，各台机器须使用同一个密钥。"
            )
        return load_or_create_secret(self.var_dir / "secret.key")

    @cached_property
    def cipher(self) -> PersonalDataCipher:
        return PersonalDataCipher(self.secret())


def load_settings() -> Settings:
    return Settings()
