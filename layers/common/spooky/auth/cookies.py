"""Better Auth's session credential: the signed cookie and the bearer token, read from request headers.

A signed value is ``token "." base64(HMAC-SHA256(secret, token))`` (standard base64, padded: 44
characters). The cookie carries it URL-encoded (JavaScript's encodeURIComponent), and responses that
set the cookie repeat that exact value in ``set-auth-token`` for bearer clients. ``Authorization:
Bearer`` accepts the signed value (URL-encoded or not) or the raw token, as Better Auth's bearer plugin.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from urllib.parse import quote, unquote

from spooky.signing import signing_secret

SESSION_COOKIE = "better-auth.session_token"
DONT_REMEMBER_COOKIE = "better-auth.dont_remember"
# Better Auth names its cookies __Secure-… on https; readers accept both spellings.
SECURE_PREFIX = "__Secure-"
# Characters encodeURIComponent leaves alone (besides letters and digits).
_URI_COMPONENT_SAFE = "-_.!~*'()"
# Session tokens are ids.new_token() values (Better Auth's own are 32 characters of the same alphabet).
_TOKEN = re.compile(r"[A-Za-z0-9]{16,128}")
# A base64 HMAC-SHA256 (padding optional): anything else cannot match, so it is never compared. It also
# keeps hmac.compare_digest, which raises TypeError on non-ASCII str, to ASCII input.
_SIGNATURE = re.compile(r"[A-Za-z0-9+/]{43}=?")
_BEARER = re.compile(r"^\s*bearer\s+(\S+)\s*$", re.IGNORECASE)


def _signature(value: str) -> str:
    digest = hmac.new(signing_secret(), value.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sign(value: str) -> str:
    return f"{value}.{_signature(value)}"


def signed_cookie_value(value: str) -> str:
    """The cookie (and ``set-auth-token``) form of a signed value: URL-encoded like encodeURIComponent."""
    return quote(sign(value), safe=_URI_COMPONENT_SAFE)


def unsign(signed: str) -> str | None:
    """The value inside a signed string (URL-encoded or not), or None if it is not signed with the secret.

    Total over str: client input of any shape (non-ASCII, lone surrogates, junk) gives None, never raises.
    """
    text = unquote(signed) if "%" in signed else signed
    value, dot, signature = text.rpartition(".")
    if not dot or not value or not _SIGNATURE.fullmatch(signature):
        return None
    try:
        expected = _signature(value)
    except UnicodeEncodeError:  # a lone surrogate (e.g. from a JSON-escaped header): never signed
        return None
    # Padding is compared loosely: some clients strip the trailing "=" of a bearer token.
    if not hmac.compare_digest(expected.rstrip("="), signature.rstrip("=")):
        return None
    return value


def header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """A header's value, whatever the case of its name (API Gateway passes names as the client sent them)."""
    wanted = name.lower()
    return next((value for key, value in (headers or {}).items() if key.lower() == wanted), None)


def parse_cookie_header(cookie_header: str) -> dict[str, str]:
    """Cookie names to raw values; the first occurrence of a name wins, as in browsers and Better Auth."""
    cookies: dict[str, str] = {}
    for pair in cookie_header.split(";"):
        name, equals, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        if equals and name and name not in cookies:
            cookies[name] = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
    return cookies


def _cookie(headers: Mapping[str, str] | None, name: str) -> str | None:
    cookies = parse_cookie_header(header(headers, "cookie") or "")
    return cookies.get(name) or cookies.get(SECURE_PREFIX + name)


def _token_or_none(value: str | None) -> str | None:
    # fullmatch: "$" would also accept a trailing newline.
    return value if value is not None and _TOKEN.fullmatch(value) else None


def bearer_token(value: str) -> str | None:
    """The session token of a bearer credential: a signed value (checked) or the raw token."""
    if "." in unquote(value):
        return _token_or_none(unsign(value))
    return _token_or_none(value)


def session_token(headers: Mapping[str, str] | None) -> str | None:
    """The session token a request presents: ``Authorization: Bearer`` first, else the signed cookie.

    Only a correctly signed cookie counts; whether the token names a live session is for the caller.
    """
    authorization = header(headers, "authorization")
    if authorization:
        match = _BEARER.match(authorization)
        return bearer_token(match.group(1)) if match else None
    cookie = _cookie(headers, SESSION_COOKIE)
    return _token_or_none(unsign(cookie)) if cookie else None


def wants_short_session(headers: Mapping[str, str] | None) -> bool:
    """True when sign-in said rememberMe: false (a signed ``better-auth.dont_remember`` cookie)."""
    cookie = _cookie(headers, DONT_REMEMBER_COOKIE)
    return cookie is not None and unsign(cookie) == "true"


def carries_cookies(headers: Mapping[str, str] | None) -> bool:
    return bool(header(headers, "cookie"))
