"""GET /users/{userId}: a user's public profile with their 10 newest posts."""

from spooky.http import public
from spooky.http.api import create_app, lambda_handler
from spooky.http.params import UserId
from spooky.schemas.pages import Profile
from spooky.services import users

app = create_app()


@public.get(app, "/users/<userId>", summary="User profile with the 10 newest posts", tags=["users"])
def get_user(user_id: UserId) -> Profile:
    return users.profile(user_id, show_email=public.sees_emails(app))


handler = lambda_handler(app)
