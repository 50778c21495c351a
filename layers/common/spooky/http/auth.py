"""Auth on the HTTP side: the session credential of a request, and session cookies on responses.

Cookies follow Better Auth: ``better-auth.session_token`` (signed, URL-encoded) with Path=/, HttpOnly,
Secure, SameSite=Lax and Max-Age=604800; a rememberMe: false session gets no Max-Age plus a signed
``better-auth.dont_remember`` cookie. SameSite, Secure, Domain and Partitioned come from the settings
(COOKIE_* in template.yaml), with those defaults. Responses that set the session cookie also send its value in
``set-auth-token`` (Better Auth's bearer plugin), exposed to browsers by the CORS configuration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from spooky.auth.cookies import (
    DONT_REMEMBER_COOKIE,
    SESSION_COOKIE,
    session_token,
    signed_cookie_value,
    wants_short_session,
)
from spooky.http.request import source_ip, user_agent
from spooky.settings import get_settings

if TYPE_CHECKING:
    from spooky.services.auth.sessions import Client, StartedSession

AUTH_TOKEN_HEADER = "set-auth-token"


def presented_token(app: APIGatewayRestResolver) -> str | None:
    """The session token of this request (bearer or signed cookie); not yet checked against the table."""
    return session_token(app.current_event.headers)


def remembered(app: APIGatewayRestResolver) -> bool:
    """False when the session was opened with rememberMe: false (it keeps a browser-session cookie)."""
    return not wants_short_session(app.current_event.headers)


def client_of(app: APIGatewayRestResolver) -> Client:
    # Imported here: the public listings use this module for presented_token only, and the sessions
    # service would bring the whole auth stack into their cold start (the functions that open sessions
    # have it loaded already).
    from spooky.services.auth.sessions import Client

    return Client(ip_address=source_ip(app), user_agent=user_agent(app))


def _cookie(name: str, value: str, max_age: int | None) -> Cookie:
    settings = get_settings()
    return Cookie(
        name=name,
        value=value,
        path="/",
        domain=settings.cookie_domain or "",
        secure=settings.cookie_secure,
        http_only=True,
        same_site=SameSite(settings.cookie_same_site),
        max_age=max_age,
        custom_attributes=["Partitioned"] if settings.cookie_partitioned else None,
    )


def session_cookies(token: str, *, max_age: int | None, remember: bool = True) -> list[Cookie]:
    cookies = [_cookie(SESSION_COOKIE, signed_cookie_value(token), max_age)]
    if not remember:
        cookies.append(_cookie(DONT_REMEMBER_COOKIE, signed_cookie_value("true"), None))
    return cookies


def cleared_session_cookies() -> list[Cookie]:
    """Sign-out and dead sessions: expire both cookies now."""
    return [_cookie(SESSION_COOKIE, "", 0), _cookie(DONT_REMEMBER_COOKIE, "", 0)]


def session_response(body: Any, started: StartedSession | None, status: int = 200) -> Response[Any]:
    """A JSON response that opens ``started`` in the browser (cookie) and for bearer clients (header);
    without a session, only the body."""
    if started is None:
        return Response(status, content_types.APPLICATION_JSON, body)
    return token_response(
        body, started.token, max_age=started.max_age_seconds, remember=started.remember, status=status
    )


def token_response(
    body: Any, token: str, *, max_age: int | None, remember: bool = True, status: int = 200
) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers={AUTH_TOKEN_HEADER: signed_cookie_value(token)},
        cookies=session_cookies(token, max_age=max_age, remember=remember),
    )


def cleared_response(body: Any, status: int = 200) -> Response[Any]:
    return Response(status, content_types.APPLICATION_JSON, body, cookies=cleared_session_cookies())


def redirect(location: str) -> Response[Any]:
    return Response(302, content_types.APPLICATION_JSON, None, headers={"Location": location})
