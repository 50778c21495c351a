"""Lambda REQUEST authorizer: the session cookie or bearer token of a request -> its user, or 401.

No identity source and no caching (template.yaml): every request is checked with one strongly
consistent BatchGetItem of the session and its user, so a revoked or expired session, or a session
of a deleted user, is refused at once. The Allow policy covers
only the method being called and hands {userId, sessionId} to the function.
"""

from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from spooky.auth.cookies import session_token
from spooky.http.api import instrumented
from spooky.services.auth.sessions import authenticate

# API Gateway answers 401 (the UNAUTHORIZED gateway response) for exactly this error message.
UNAUTHORIZED = "Unauthorized"


def allow_policy(method_arn: str, user_id: str, session_id: str) -> dict[str, Any]:
    # Built by hand: Powertools' policy builder refuses request paths with characters outside its
    # resource pattern, which would turn a junk URL into an authorizer failure (5xx) instead of a 4xx.
    return {
        "principalId": user_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": method_arn}],
        },
        "context": {"userId": user_id, "sessionId": session_id},
    }


@instrumented
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = APIGatewayAuthorizerRequestEvent(event)
    found = authenticate(session_token(request.get("headers")))
    if found is None:
        raise Exception(UNAUTHORIZED)
    return allow_policy(request.method_arn, found.user.id, found.session.id)
