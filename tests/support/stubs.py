"""botocore's Stubber plays DynamoDB for faults the local engines never produce (conflicts, throttling,
unprocessed items); every request the code sends is kept so tests can check what was retried."""

from __future__ import annotations

from typing import Any

from botocore.stub import Stubber


class StubbedClient:
    def __init__(self, client: Any) -> None:
        self.client = client
        self.stubber = Stubber(client)
        self.requests: list[tuple[str, dict[str, Any]]] = []
        client.meta.events.register("provide-client-params.dynamodb.*", self._capture)

    def _capture(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.requests.append((model.name, params))

    def sent(self, operation: str) -> list[dict[str, Any]]:
        return [params for name, params in self.requests if name == operation]

    def respond(self, method: str, response: dict[str, Any]) -> None:
        self.stubber.add_response(method, response)

    def fail(self, method: str, code: str, **modeled_fields: Any) -> None:
        self.stubber.add_client_error(
            method, service_error_code=code, service_message=code, modeled_fields=modeled_fields or None
        )
