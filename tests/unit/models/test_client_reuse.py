"""Every model's DynamoDB client is built from one botocore data loader (cheap clients, fast cold starts)."""

from __future__ import annotations

from spooky.models.app import PostModel, UserModel
from spooky.models.auth import SessionModel


def test_models_share_one_botocore_data_loader(moto_tables: dict[str, str]) -> None:
    loaders = {
        id(model._get_connection().connection.session.get_component("data_loader"))
        for model in (UserModel, PostModel, SessionModel)
    }

    assert len(loaders) == 1
