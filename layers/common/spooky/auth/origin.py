"""Better Auth's origin check, the redirect targets (callbackURL, redirectTo) it guards, and which request
origins CORS answers (``allowed_origin``).

A state-changing request that carries cookies must come from a trusted origin (Origin, else Referer):
this is the CSRF defence for cookie sessions. Bearer clients send no cookies and are not checked.
Redirect targets must be relative paths or URLs on a trusted origin, so no email link or redirect
can send a user (or a token) to another site.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote, urlencode, urljoin, urlsplit, urlunsplit

from spooky.auth.cookies import carries_cookies, header
from spooky.errors import Forbidden
from spooky.settings import get_settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Controls (C0, DEL and C1), space and backslash: URL parsers disagree about them.
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f-\x9f\\]")


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an absolute http(s) URL, lower-cased; None for anything else."""
    if _UNSAFE_CHARACTERS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origin(origin: str | None) -> str | None:
    """``origin`` if it is trusted (compared exactly, as browsers serialize it), else None.

    What every CORS answer echoes (spooky.http.cors), and the authorizer's refusals too: it lives here,
    not with the CORS headers, because those need Powertools' resolver package and the authorizer,
    which has no resolver, would import it only for this.
    """
    return origin if origin and origin in get_settings().trusted_origin_list else None


def is_relative_path(url: str) -> bool:
    """A same-site path such as ``/dashboard?tab=1`` (never ``//host`` or ``/\\host``)."""
    return url.startswith("/") and not url.startswith("//") and not _UNSAFE_CHARACTERS.search(url)


def is_trusted(url: str, trusted_origins: Sequence[str], *, allow_relative: bool) -> bool:
    if allow_relative and is_relative_path(url):
        return True
    origin = origin_of(url)
    return origin is not None and origin in {origin_of(item) for item in trusted_origins}


def check_request_origin(
    method: str, headers: Mapping[str, str] | None, trusted_origins: Sequence[str]
) -> None:
    """Refuse a cookie-bearing, state-changing request that does not come from a trusted origin."""
    if method.upper() in SAFE_METHODS or not carries_cookies(headers):
        return
    origin = header(headers, "origin") or header(headers, "referer") or ""
    if not origin or origin == "null":
        raise Forbidden("Missing or null Origin", code="MISSING_OR_NULL_ORIGIN")
    if not is_trusted(origin, trusted_origins, allow_relative=False):
        raise Forbidden("Invalid origin", code="INVALID_ORIGIN")


def check_callback_url(url: str | None, trusted_origins: Sequence[str]) -> None:
    if url and not is_trusted(url, trusted_origins, allow_relative=True):
        raise Forbidden("Invalid callbackURL", code="INVALID_CALLBACK_URL")


def check_redirect_url(url: str | None, trusted_origins: Sequence[str]) -> None:
    if url and not is_trusted(url, trusted_origins, allow_relative=True):
        raise Forbidden("Invalid redirectURL", code="INVALID_REDIRECT_URL")


def absolute_url(url: str, base_url: str) -> str:
    """A checked redirect target as an absolute URL: relative paths belong to the front end (``base_url``)."""
    return urljoin(base_url.rstrip("/") + "/", url) if is_relative_path(url) else url


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` added to its query: before any ``#fragment`` (a browser never sends what
    follows ``#``, so a token there never arrives), after the query parameters it already has."""
    parts = urlsplit(url)
    added = urlencode(params, quote_via=quote, safe="")
    # The existing query is kept byte for byte: re-encoding it could change what the page reads.
    return urlunsplit(parts._replace(query=f"{parts.query}&{added}" if parts.query else added))
