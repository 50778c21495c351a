"""Models -> wire schemas: the one place where what repositories return becomes what the API answers.

The contract of the layers: repositories return PynamoDB models (or plain domain dataclasses); services
return the wire schemas of spooky.schemas, mapped here; handlers only call a service and answer.

A model's fields are validated from its ``attribute_values`` (set attributes by Python name, the schemas'
field names): six times faster than ``from_attributes``, which reads every field through PynamoDB's
descriptors, trying each field's alias first, on every post of every page.

Every function imports this module, and most use one resource's schemas: those of posts, public users,
sessions and health are imported by the functions that map them, on first use, so that the others do
not create their pydantic classes at every cold start (each costs about 0.2 ms of init).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spooky.schemas.users import UserOut

if TYPE_CHECKING:
    from spooky.models.app import PostModel, UserModel
    from spooky.models.auth import SessionModel
    from spooky.repositories.posts import Author
    from spooky.schemas.auth.sessions import SessionOut
    from spooky.schemas.health import HealthOut
    from spooky.schemas.posts import PostOut
    from spooky.schemas.public import AuthorOut, PublicUserOut
    from spooky.services.health import Health  # services.health maps its result with this module


def to_user_out(user: UserModel) -> UserOut:
    return UserOut.model_validate(user.attribute_values)


def to_public_user_out(user: UserModel, show_email: bool) -> PublicUserOut:
    """A user on a public profile: the email only to signed-in callers (``show_email``)."""
    from spooky.schemas.public import PublicUserOut

    values = user.attribute_values
    return PublicUserOut.model_validate(values if show_email else {**values, "email": None})


def author_out(author: UserModel | Author, show_email: bool) -> AuthorOut:
    """An author as a listing shows it: the email only to signed-in callers (``show_email``)."""
    from spooky.schemas.public import AuthorOut

    return AuthorOut(id=author.id, name=author.name, email=author.email if show_email else None)


def to_post_out(post: PostModel, author: AuthorOut | None = None) -> PostOut:
    from spooky.schemas.posts import PostOut

    return PostOut.model_validate({**post.attribute_values, "created_by": author})


def to_session_out(session: SessionModel, token: str | None = None) -> SessionOut:
    """Better Auth's session object. Tokens are never stored: listings show the session id instead."""
    from spooky.schemas.auth.sessions import SessionOut

    return SessionOut(
        id=session.id,
        token=token or session.id,
        user_id=session.user_id,
        expires_at=session.expires_at,
        created_at=session.created_at,
        updated_at=session.updated_at,
        ip_address=session.ip_address,
        user_agent=session.user_agent,
    )


def to_health_out(health: Health) -> HealthOut:
    from spooky.schemas.health import CheckOut, HealthOut

    return HealthOut(
        healthy=health.healthy,
        timestamp=health.timestamp,
        checks=[
            CheckOut(name=c.name, healthy=c.healthy, latencyMs=round(c.latency_ms, 2), error=c.error)
            for c in health.checks
        ],
    )
