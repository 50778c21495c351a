"""Runtime configuration, read from the environment once per process (and on demand in tests)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Environment of a function. Deployed values come from template.yaml; local ones from devtools."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    stage: str = "local"
    aws_region: str = Field(default="us-east-1", validation_alias="AWS_REGION")
    app_table_name: str = "AppTable"
    auth_table_name: str = "AuthTable"
    audit_table_name: str = "AuditTable"
    idempotency_table_name: str = "IdempotencyTable"
    # Set locally (DynamoDB Local or moto); unset in AWS.
    dynamodb_endpoint_url: str | None = None
    # Deployed: the SSM SecureString parameter holding the signing secret. Local: the secret itself.
    auth_secret_parameter: str | None = None
    auth_secret: str | None = None
    trusted_origins: str = "http://localhost:3000"
    email_sender: str = "no-reply@example.com"
    public_base_url: str = "http://localhost:3000"
    # "ses" when deployed; "outbox" writes emails to a local file the tests can read.
    email_transport: str = "ses"
    local_outbox_path: str = ".local/outbox.jsonl"

    @property
    def is_local(self) -> bool:
        return self.dynamodb_endpoint_url is not None or self.stage == "local"

    @property
    def trusted_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.trusted_origins.split(",") if origin.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing the environment."""
    return Settings()
