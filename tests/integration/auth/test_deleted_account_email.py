"""A deleted account's email is released at once: to a stranger it is an address never used.

The soft delete drops the email claim in the same transaction (spooky.repositories.users), so
signing up with it creates a new, independent account, signing in with the old password fails like
any unknown email, and the purge 30 days later cannot take the address from its new owner.
"""

from __future__ import annotations

from spooky.models.app import EmailClaimModel
from spooky.repositories import users
from spooky.schemas.users import NewUser
from spooky_jobs.repositories.retention import purge_user_data
from tests.support import factories
from tests.support.accounts import PASSWORD, Account, new_email, sign_in, sign_up
from tests.support.client import Browser, Reply


def delete(account: Account) -> None:
    reply = account.browser.call("POST", "/api/auth/delete-user", {"password": PASSWORD})
    assert reply.status == 200, reply.body


def without_ids(reply: Reply) -> tuple[int, object]:
    """A reply as a stranger compares it: everything but the fresh ids, token and timestamps."""
    body = reply.body
    if isinstance(body, dict) and "user" in body:
        body = {**body, "token": "-", "user": sorted(body["user"])}
    return reply.status, body


def test_signing_up_with_a_just_deleted_users_email_creates_a_new_independent_account(
    account: Account,
) -> None:
    delete(account)

    again = sign_up(Browser(), account.email, "a-brand-new-password")

    assert again.status == 200, again.body
    assert again.body["user"]["id"] != account.user_id
    assert again.body["user"]["email"] == account.email
    assert factories.find_user_id_by_email(account.email) == again.body["user"]["id"]
    assert users.get_user(account.user_id) is None  # the old account stays deleted
    assert sign_in(Browser(), account.email, "a-brand-new-password").status == 200
    assert sign_in(Browser(), account.email, PASSWORD).status == 401


def test_a_stranger_cannot_tell_a_deleted_account_from_an_address_never_used(account: Account) -> None:
    never_used = new_email("never")
    delete(account)

    for path, body in (
        ("/api/auth/sign-in/email", {"password": PASSWORD}),
        ("/api/auth/request-password-reset", {}),
        ("/api/auth/send-verification-email", {}),
    ):
        deleted = Browser().call("POST", path, {"email": account.email, **body})
        unknown = Browser().call("POST", path, {"email": never_used, **body})
        assert without_ids(deleted) == without_ids(unknown), path
    refused = sign_in(Browser(), account.email)
    assert (refused.status, refused.body["code"]) == (401, "INVALID_EMAIL_OR_PASSWORD")
    assert without_ids(sign_up(Browser(), account.email)) == without_ids(sign_up(Browser(), never_used))


def test_the_purge_of_the_deleted_account_leaves_the_address_to_its_new_owner(account: Account) -> None:
    delete(account)
    new_owner = sign_up(Browser(), account.email).body["user"]["id"]

    report = purge_user_data(account.user_id, account.email)

    assert report.email_released is False
    claim = EmailClaimModel.get(*EmailClaimModel.key(account.email), consistent_read=True)
    assert claim.user_id == new_owner
    assert sign_in(Browser(), account.email).status == 200


def test_a_user_without_an_email_claim_can_still_be_deleted(local_tables: dict[str, str]) -> None:
    email = new_email("legacy")
    user = factories.create_user(NewUser(name="Legacy", email=email), None)
    EmailClaimModel(*EmailClaimModel.key(email)).delete()

    factories.soft_delete_user(user.id)

    assert users.get_user(user.id) is None
