"""Runtime configuration, read from the environment once per process (and on demand in tests).

Plain Python rather than a pydantic model: only the HTTP routes need pydantic (request and response
validation), and Settings is imported by every function at init. The authorizer and the background jobs
use nothing else of pydantic, and Powertools' batch utility imports its own pydantic event models
whenever pydantic is loaded. Without it, RetentionPurgeFunction's init went from 1,290 M to 852 M
instructions and the authorizer's from 1,182 M to 832 M (valgrind, the bench's interpreter). The rules
are pydantic-settings' for a flat model of strings and flags (tests/unit/test_settings.py).
"""

from __future__ import annotations

import os
from functools import cached_property, lru_cache
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

SameSite = Literal["Lax", "Strict", "None"]
_SAME_SITE_VALUES: tuple[str, ...] = get_args(SameSite)
# pydantic's reading of a flag from text (case-insensitive).
_TRUE_TEXT = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE_TEXT = frozenset({"0", "off", "f", "false", "n", "no"})

# template.yaml declares these empty so that `sam local invoke --env-vars` may set them: empty is unset.
_EMPTY_IS_UNSET = frozenset({"dynamodb_endpoint_url", "auth_secret", "cookie_domain"})


class SettingsError(ValueError):
    """A setting with a value it cannot take: raised when Settings are read, so a function fails at start."""


def _flag(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).lower() if isinstance(value, str | int) else ""
    if text in _TRUE_TEXT or text in _FALSE_TEXT:
        return text in _TRUE_TEXT
    raise SettingsError(f"{name}: {value!r} is not a flag (true/false, 1/0, yes/no, on/off)")


def _parsed(name: str, value: object) -> str | bool | None:
    # A field's default says its kind: a bool is a flag, None an optional text, any other text.
    default = getattr(Settings, name)
    if isinstance(default, bool):
        return _flag(name, value)
    if name in _EMPTY_IS_UNSET and not value:
        return None
    if value is None and default is None:
        return None
    if not isinstance(value, str):
        raise SettingsError(f"{name}: {value!r} is not text")
    if name == "cookie_same_site" and value not in _SAME_SITE_VALUES:
        raise SettingsError(f"{name}: {value!r} is not one of {', '.join(_SAME_SITE_VALUES)}")
    return value


class Settings:
    """Environment of a function. Deployed values come from template.yaml; local ones from devtools.

    Each field is read from the environment variable of its name in any case (``APP_TABLE_NAME`` ->
    ``app_table_name``); values passed to the constructor (names in any case) win over the environment.
    Read-only once built.
    """

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
    cookie_same_site: SameSite = "Lax"
    cookie_secure: bool = True
    cookie_domain: str | None = None
    cookie_partitioned: bool = False
    # The settings given to the constructor or found in the environment (the rest are defaults): the
    # one field without a default.
    explicitly_set: frozenset[str]

    def __init__(self, **given: Any) -> None:
        environment = {name.lower(): value for name, value in os.environ.items()}
        found = {name: environment[name] for name in _FIELDS if name in environment}
        found |= {name.lower(): value for name, value in given.items() if name.lower() in _FIELDS}
        for name, value in found.items():
            object.__setattr__(self, name, _parsed(name, value))
        object.__setattr__(self, "explicitly_set", frozenset(found))
        # Browsers drop SameSite=None and Partitioned cookies without Secure: fail at start, not in use.
        if (self.cookie_same_site == "None" or self.cookie_partitioned) and not self.cookie_secure:
            raise SettingsError("COOKIE_SAME_SITE=None and COOKIE_PARTITIONED need COOKIE_SECURE=true")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Settings are read-only: build new ones (tests: get_settings.cache_clear())")

    # A value, like the pydantic model it replaces: equal when every setting is; a copy is itself.
    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        return self._values() == other._values() if isinstance(other, Settings) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __copy__(self) -> Settings:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Settings:
        return self

    @property
    def is_local(self) -> bool:
        return self.dynamodb_endpoint_url is not None or self.stage == "local"

    @cached_property  # read on every request, several times (CORS, the origin check): built once
    def trusted_origin_list(self) -> list[str]:
        """TRUSTED_ORIGINS, then the origins of this API and of its front end, which are always trusted.

        Better Auth trusts its own baseURL. This API's is API_BASE_URL (the local API sets it to where
        it listens); in the app it replaces, Better Auth ran on the front end, PUBLIC_BASE_URL, where
        emailed links already send users. API_BASE_URL's default is not trusted: deployed, the stage's
        URL is in SSM (``api_base_url()``), which only the functions that write links may read.
        """
        configured = [origin.strip() for origin in self.trusted_origins.split(",") if origin.strip()]
        own = [self.public_base_url]
        if "api_base_url" in self.explicitly_set:
            own.append(self.api_base_url)
        return list(dict.fromkeys([*configured, *(origin for url in own for origin in _origin(url))]))


# The settings: every field declared with a default (their values are the class attributes).
_FIELDS = tuple(name for name in Settings.__annotations__ if name in vars(Settings))


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
