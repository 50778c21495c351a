"""Cheap password work, for tests that sign many users up or guess passwords but are not about them.

argon2id with the production parameters and the account-blind answer floor cost ~0.5 s a request by
design (tests/unit/auth/test_passwords.py and tests/integration/auth test those). A fuzz or soak run
is about answers and data, so it hashes with argon2's cheapest parameters and pads nothing.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from spooky.auth import passwords
from spooky.ids import new_token
from spooky.services.auth import emails


def cheapen_password_work(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", cheap.hash(new_token()))
    monkeypatch.setattr(emails, "ACCOUNT_BLIND_SECONDS", 0)
