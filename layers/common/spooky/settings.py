"""Runtime configuration, read from the environment once per process (and on demand in tests)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator
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
    # Session cookie attributes (docs/api.md#deployment-shapes-cookies-or-bearer). Lax keeps the
    # CSRF protection of Better Auth's default; a Domain scopes the cookie to a parent domain like its
    # crossSubDomainCookies; None (with Secure, ideally Partitioned) only for cross-site cookie setups.
    cookie_same_site: Literal["Lax", "Strict", "None"] = "Lax"
    cookie_secure: bool = True
    cookie_domain: str | None = None
    cookie_partitioned: bool = False

    @field_validator("dynamodb_endpoint_url", "auth_secret", "cookie_domain", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # template.yaml declares these empty so that `sam local invoke --env-vars` may set them.
        return value or None

    @model_validator(mode="after")
    def _cookie_rules(self) -> Self:
        # Browsers drop SameSite=None and Partitioned cookies without Secure: fail at start, not in use.
        if (self.cookie_same_site == "None" or self.cookie_partitioned) and not self.cookie_secure:
            raise ValueError("COOKIE_SAME_SITE=None and COOKIE_PARTITIONED need COOKIE_SECURE=true")
        return self

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
