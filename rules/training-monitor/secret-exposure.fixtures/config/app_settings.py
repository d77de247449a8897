import os
from pathlib import Path

import pydantic_settings
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development defaults, overridden by the environment in a real deployment.
_DEFAULT_API_KEY = "dev-api-key"
_DEFAULT_ADMIN_PASSWORD = "admin-password"
_EMPTY = ""
# a stand-in as the signing secret's fallback is the secret every such deployment signs with
# ruleid: training-monitor.secret.default-credential-fallback
SESSION_SECRET_KEY = os.getenv("SESSION_SECRET_KEY", "changeme")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env")

    app_name: str = Field(default="Model API")
    # ruleid: training-monitor.secret.default-credential-fallback
    api_key: str = Field(default=_DEFAULT_API_KEY)
    # ruleid: training-monitor.secret.default-credential-fallback
    jwt_secret: str = "dev-jwt-secret-change-me"
    # ruleid: training-monitor.secret.default-credential-fallback
    bootstrap_admin_password: str | None = Field(_DEFAULT_ADMIN_PASSWORD, description="first admin's password")
    # a stand-in for an outside service's key is no key
    # ok: training-monitor.secret.default-credential-fallback
    hf_token: str = Field(default="replace-me")
    # a required setting: the app does not start without it
    # ok: training-monitor.secret.default-credential-fallback
    db_password: str = Field(...)
    # ok: training-monitor.secret.default-credential-fallback
    openai_api_key: str = ""
    # ok: training-monitor.secret.default-credential-fallback
    registry_token: str | None = None
    # ok: training-monitor.secret.default-credential-fallback
    webhook_secret: str = Field(default=_EMPTY)
    # ok: training-monitor.secret.default-credential-fallback
    access_token_expire_minutes: int = Field(default=30)
    # ok: training-monitor.secret.default-credential-fallback
    model_path: Path = Field(default=Path("artifacts/model.joblib"))


class WorkerSettings(pydantic_settings.BaseSettings):
    # ruleid: training-monitor.secret.default-credential-fallback
    queue_password: str = "worker-pass"

    def rotate(self) -> None:
        # a method's local variable is not a settings field
        # ok: training-monitor.secret.default-credential-fallback
        new_password: str = "temporary-value"
        print(new_password)


class Report:
    # a plain class: not read from the environment
    # ok: training-monitor.secret.default-credential-fallback
    title_token: str = "summary"
