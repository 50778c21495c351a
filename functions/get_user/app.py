"""GET /users/{id}: a user's public profile with their 10 newest posts."""

from spooky.http.api import create_app, lambda_handler
from spooky.schemas.pages import Profile
from spooky.services import users

app = create_app()


@app.get("/users/<user_id>", summary="User profile with the 10 newest posts", tags=["users"])
def get_user(user_id: str) -> Profile:
    return users.profile(user_id)


handler = lambda_handler(app)
