"""The signing secret (session cookies, pagination cursors): SSM when deployed, the environment locally."""

from __future__ import annotations

from spooky.settings import get_settings

# Cached by Powertools for this long, so a rotated secret reaches warm functions within 5 minutes.
SECRET_MAX_AGE_SECONDS = 300


def signing_secret() -> bytes:
    settings = get_settings()
    if settings.auth_secret:
        return settings.auth_secret.encode()
    if not settings.auth_secret_parameter:
        raise RuntimeError("Set AUTH_SECRET (local) or AUTH_SECRET_PARAMETER (deployed)")
    from aws_lambda_powertools.utilities import parameters  # deployed path only: keeps local imports light

    value = parameters.get_parameter(
        settings.auth_secret_parameter, decrypt=True, max_age=SECRET_MAX_AGE_SECONDS
    )
    return str(value).encode()
