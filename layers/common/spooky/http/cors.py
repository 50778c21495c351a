"""CORS in one place: every origin of TRUSTED_ORIGINS may call the API with credentials, no other.

Three callers answer browsers with these headers, because API Gateway cannot echo one origin out of a
list on its own (its CORS and gateway responses take a single literal or the raw request header):
- every route function, through the resolver's Powertools CORSConfig (``cors_config``);
- CorsFunction, which answers the preflight (OPTIONS) of every path and unknown paths (``preflight``);
- the authorizer, whose refusal names the caller's origin for the 401 gateway response
  (``spooky.auth.origin.allowed_origin``, which decides for all three; mapped from
  ``context.authorizer.corsOrigin`` in template.yaml).
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler import CORSConfig

from spooky.auth.origin import allowed_origin

ALLOW_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST")
ALLOW_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "If-Match")
# set-auth-token: Better Auth's bearer plugin; the page must read it to keep the token.
EXPOSE_HEADERS = ("set-auth-token", "ETag", "Retry-After")
MAX_AGE_SECONDS = 600


class TrustedOriginsCors(CORSConfig):
    """Powertools' CORSConfig that reads the trusted origins from Settings on every request.

    Handlers build their resolver at import; a list fixed then would outlive a configuration change in
    a long-lived process (the local API, the tests). Every origin passes Powertools' own check ("*"),
    and these overrides keep only the trusted ones, echoed exactly, never "*".
    """

    def __init__(self) -> None:
        super().__init__(
            allow_origin="*",
            allow_credentials=True,
            allow_headers=list(ALLOW_HEADERS),
            expose_headers=list(EXPOSE_HEADERS),
            max_age=MAX_AGE_SECONDS,
        )

    def to_dict(self, origin: str | None) -> dict[str, str]:
        return super().to_dict(origin) if allowed_origin(origin) else {}

    def allowed_origin(self, extracted_origin: str) -> str | None:
        return allowed_origin(extracted_origin)


def cors_config() -> CORSConfig:
    return TrustedOriginsCors()


def response_headers(origin: str | None) -> dict[str, str]:
    """The CORS headers of an actual response to a request from ``origin`` (none if untrusted)."""
    headers: dict[str, str] = cors_config().to_dict(allowed_origin(origin))
    return headers


def preflight_headers(origin: str | None) -> dict[str, str]:
    """The answer to a preflight from ``origin``: the grant for a trusted origin, nothing otherwise.

    ``Vary: Origin`` either way, since the answer depends on the origin.
    """
    headers = response_headers(origin)
    if headers:
        headers["Access-Control-Allow-Methods"] = ",".join(ALLOW_METHODS)
    return {**headers, "Vary": "Origin"}
