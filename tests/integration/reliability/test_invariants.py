"""The invariant check itself: silent on data the repositories wrote, loud on every kind of damage.

The fuzz, soak and bad-input tests rely on tests/support/invariants.py finding broken data; this shows that it
does, one corruption of each kind, written behind the repositories' back.
"""

from __future__ import annotations

from spooky.clock import utcnow
from spooky.models.app import AccountModel, EmailClaimModel, PostModel, UserModel
from spooky.models.auth import SessionModel
from spooky.repositories import posts
from spooky.repositories.users import CREDENTIAL_PROVIDER
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser
from tests.support import factories
from tests.support.factories import open_session
from tests.support.invariants import check_invariants, dynamodb_client


def test_data_written_by_the_repositories_passes(fresh_tables: dict[str, str]) -> None:
    author = factories.create_user(NewUser(name="Lurch", email="lurch@example.com"), None)
    kept, deleted = (posts.create_post(author.id, NewPost(name=name)) for name in ("kept", "deleted"))
    posts.delete_post(deleted.id, author.id, None)
    posts.update_post(kept.id, author.id, posts.PostChanges(content="edited"), 1)
    open_session(author.id)
    gone = factories.create_user(NewUser(name="Cousin Itt", email="itt@example.com"), None)
    factories.soft_delete_user(gone.id)

    report = check_invariants(fresh_tables)

    assert report.ok, str(report)
    assert report.checked["User"] == 2
    assert report.checked["Post"] == 2


def test_every_kind_of_damage_is_reported(fresh_tables: dict[str, str]) -> None:
    author = factories.create_user(NewUser(name="Fester", email="fester@example.com"), None)
    unclaimed = factories.create_user(NewUser(name="Thing", email="thing@example.com"), None)
    post = posts.create_post(author.id, NewPost(name="counted"))
    # A post written without the author's postCount, and one whose index keys were lost.
    nobody = posts.Author("missing-author", "Nobody", "nobody@example.com")
    orphan = posts.new_post_item(nobody, NewPost(name="orphan"), utcnow())
    orphan.save()
    copyless = posts.new_post_item(posts.author_of(unclaimed), NewPost(name="copyless"), utcnow())
    copyless.author_name = None
    copyless.save()
    PostModel(*PostModel.key(post.id)).update([PostModel.gsi1pk.remove(), PostModel.gsi1sk.remove()])
    # Half a post: the transaction would never write this.
    dynamodb_client().put_item(
        TableName=fresh_tables["AppTable"],
        Item={"pk": {"S": "POST#half"}, "sk": {"S": "POST"}, "name": {"S": "half"}},
    )
    EmailClaimModel(*EmailClaimModel.key("thing@example.com")).delete()
    EmailClaimModel(*EmailClaimModel.key("stray@example.com"), user_id=author.id, created_at=utcnow()).save()
    AccountModel(*AccountModel.key(unclaimed.id, CREDENTIAL_PROVIDER, unclaimed.id)).delete()
    UserModel(*UserModel.key(author.id)).update([UserModel.post_count.add(5)])
    live = open_session(author.id)
    SessionModel(*SessionModel.key(author.id, live.session_id)).update([SessionModel.user_id.set("nobody")])

    violations = "\n".join(check_invariants(fresh_tables).violations)

    for expected in [
        f"post {orphan.id} is live but its author missing-author does not exist",
        f"post {post.id} is live with index keys",
        f"post {copyless.id} is on the feed without a copy of its author",
        "POST#half / POST is half-written",
        f"user {unclaimed.id} is live with 0 email claims",
        f"user {author.id} is live with 2 email claims",
        "email claim EMAIL#stray@example.com points to",
        f"user {unclaimed.id} has no credential account",
        f"user {author.id} has postCount 6 but 1 live posts",
        "belongs to missing user nobody",
    ]:
        assert expected in violations, f"{expected!r} not in:\n{violations}"
