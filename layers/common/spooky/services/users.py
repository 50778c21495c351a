"""User use cases that are not authentication: the public profile, and who may see emails."""

from __future__ import annotations

from spooky.ids import checked_path_id
from spooky.repositories import posts as post_repository
from spooky.schemas.pages import Profile
from spooky.services.mapping import author_out, to_post_out, to_public_user_out


def sees_emails(token: str | None) -> bool:
    """Whether the request presents a live session: only signed-in callers see other users' emails.

    Anonymous requests (no token) cost nothing; a presented token is checked like get-session does.
    """
    if token is None:
        return False
    # Imported on first use: the session check loads the auth stack (tokens, sessions, their schemas),
    # which these public routes need only for requests that present a token, not at every cold start.
    from spooky.services.auth.sessions import signed_in_user

    return signed_in_user(token) is not None


def profile(user_id: str, *, show_email: bool = False, post_limit: int = 10) -> Profile:
    """The specification's "user with their 10 newest posts": the first page of the user's posts."""
    page = post_repository.list_user_posts(checked_path_id(user_id), None, post_limit)
    author = author_out(page.author, show_email)
    return Profile(
        user=to_public_user_out(page.author, show_email),
        posts=[to_post_out(post, author) for post in page.posts],
    )
