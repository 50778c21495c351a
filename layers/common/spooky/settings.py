"""Runtime configuration, read from the environment once per process (and on demand in tests)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, field_validator, model_validator


class Settings(BaseModel):
    """Environment of a function. Deployed values come from template.yaml; local ones from devtools.

    Each field is read from the environment variable of its name in any case (``APP_TABLE_NAME`` ->
    ``app_table_name``); values passed to the constructor win over the environment.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    stage: str = "local"
    aws_region: str = "us-east-1"
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
    # The front end: relative callbackURL/redirectTo and the default reset page resolve against it.
    public_base_url: str = "http://localhost:3000"
    # This API itself, for links back to it (verify-email): local (`make api`'s URL by default) ...
    api_base_url: str = "http://127.0.0.1:3000"
    # ... or, deployed, the SSM parameter holding the stage's execute-api URL (it wins when set).
    api_base_url_parameter: str | None = None
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

    @model_validator(mode="before")
    @classmethod
    def _read_environment(cls, given: Any) -> Any:
        # pydantic-settings' environment source, reduced to what a flat model of strings and flags needs
        # (case-insensitive names, arguments first): importing pydantic-settings cost ~40 ms of every cold
        # start. Values are validated as pydantic-settings passed them: strings, "true"/"false" for flags.
        if not isinstance(given, dict):
            return given
        environment = {name.lower(): value for name, value in os.environ.items()}
        from_environment = {name: environment[name] for name in cls.model_fields if name in environment}
        return from_environment | {str(name).lower(): value for name, value in given.items()}

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
        """TRUSTED_ORIGINS, then the origins of this API and of its front end, which are always trusted.

        Better Auth trusts its own baseURL. This API's is API_BASE_URL (the local API sets it to where
        it listens); in the app it replaces, Better Auth ran on the front end, PUBLIC_BASE_URL, where
        emailed links already send users. API_BASE_URL's default is not trusted: deployed, the stage's
        URL is in SSM (``api_base_url()``), which only the functions that write links may read.
        """
        configured = [origin.strip() for origin in self.trusted_origins.split(",") if origin.strip()]
        own = [self.public_base_url]
        if "api_base_url" in self.model_fields_set:
            own.append(self.api_base_url)
        return list(dict.fromkeys([*configured, *(origin for url in own for origin in _origin(url))]))


def _origin(url: str) -> list[str]:
    """``[scheme://host[:port]]`` of an absolute URL, or ``[]`` when ``url`` is not one."""
    parts = urlsplit(url.strip())
    return [f"{parts.scheme}://{parts.netloc}".lower()] if parts.scheme and parts.netloc else []


# Cached by Powertools for this long: the URL of a stage only changes if its API is replaced.
API_BASE_URL_MAX_AGE_SECONDS = 3600


def api_base_url() -> str:
    """This API's own base URL, from configuration only: never the request's Host or X-Forwarded-*,
    which the client chooses (a link in an email must not point wherever a request said)."""
    settings = get_settings()
    if not settings.api_base_url_parameter:
        return settings.api_base_url.rstrip("/")
    from aws_lambda_powertools.utilities import parameters  # deployed path only: keeps local imports light

    value = parameters.get_parameter(settings.api_base_url_parameter, max_age=API_BASE_URL_MAX_AGE_SECONDS)
    return str(value).rstrip("/")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing the environment."""
    return Settings()
