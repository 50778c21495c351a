"""Sign-up input: the seed's email rules (valid, unique case-insensitively, at most 255 characters)."""

from __future__ import annotations

import pytest

from spooky.errors import ValidationFailed
from spooky.schemas.common import EMAIL_MAX_LENGTH, validate
from spooky.schemas.users import NewUser, UserChanges


def new_user(**fields: object) -> NewUser:
    return validate(NewUser, {"name": "Ada", "email": "ada@example.com", **fields})


def errors_of(schema: type[NewUser] | type[UserChanges], data: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        validate(schema, data)
    return {error.field: error.message for error in caught.value.errors}


def test_email_is_stored_lower_cased_and_trimmed_so_uniqueness_ignores_case() -> None:
    assert new_user(email="  Ada.Lovelace@Example.COM ").email == "ada.lovelace@example.com"


@pytest.mark.parametrize(
    "email", ["", "ada", "ada@", "@example.com", "ada@@example.com", "ada example@example.com", "ada@example"]
)
def test_invalid_email_is_refused_with_the_seed_message(email: str) -> None:
    errors = errors_of(NewUser, {"name": "Ada", "email": email})
    assert errors["email"].startswith("Email must be valid")


def test_email_longer_than_255_characters_is_refused() -> None:
    local, domain = "a" * 64, ".".join(["b" * 60] * 4) + ".com"  # a syntactically valid shape
    too_long = f"{local}@{domain}"
    assert len(too_long) > EMAIL_MAX_LENGTH
    assert errors_of(NewUser, {"name": "Ada", "email": too_long}) == {
        "email": f"must be at most {EMAIL_MAX_LENGTH} characters"
    }


def test_email_with_nul_or_lone_surrogate_is_refused() -> None:
    assert "email" in errors_of(NewUser, {"name": "Ada", "email": "ada\x00@example.com"})
    assert "email" in errors_of(NewUser, {"name": "Ada", "email": "ada\ud800@example.com"})


def test_user_name_is_trimmed_and_must_not_be_blank() -> None:
    assert new_user(name="  Ada  ").name == "Ada"
    assert errors_of(NewUser, {"name": "   ", "email": "ada@example.com"}) == {"name": "cannot be empty"}


def test_server_managed_fields_cannot_be_set_at_sign_up() -> None:
    errors = errors_of(
        NewUser,
        {"name": "Ada", "email": "ada@example.com", "emailVerified": True, "stripeCustomerId": "cus_1"},
    )
    assert set(errors) == {"emailVerified", "stripeCustomerId"}


def test_fields_are_not_coerced_from_other_types() -> None:
    assert "name" in errors_of(NewUser, {"name": 42, "email": "ada@example.com"})


def test_profile_changes_accept_the_wire_names_and_refuse_an_email_change() -> None:
    changes = validate(UserChanges, {"lastName": "Byron"})
    assert changes.last_name == "Byron"
    assert changes.model_dump(exclude_unset=True) == {"last_name": "Byron"}
    assert "email" in errors_of(UserChanges, {"email": "new@example.com"})
