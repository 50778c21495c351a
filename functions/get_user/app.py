"""GET /users/{userId}: a user's public profile with their 10 newest posts."""

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import presented_token
from spooky.http.params import UserId
from spooky.schemas.pages import Profile
from spooky.services import users

app = create_app()


@app.get(
    "/users/<userId>",
    summary="User profile with the 10 newest posts",
    tags=["users"],
    description=(
        "Public. The user's and authors' emails are shown only to signed-in callers (a live session as a "
        "bearer token or cookie); for anonymous callers the `email` fields are absent."
    ),
)
def get_user(user_id: UserId) -> Profile:
    # Public route: the handler resolves the session itself, only to decide whether emails show.
    return users.profile(user_id, show_email=users.sees_emails(presented_token(app)))


handler = lambda_handler(app)
