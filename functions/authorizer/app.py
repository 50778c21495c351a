"""Lambda REQUEST authorizer: the session cookie or bearer token of a request -> its user, or a Deny.

No identity source and no caching (template.yaml): every request is checked with one strongly
consistent BatchGetItem of the session and its user, so a revoked or expired session, or a session
of a deleted user, is refused at once. The Allow policy covers
only the method being called and hands {userId, sessionId} to the function.

A refusal is an answer, not a failure: a Deny policy (API Gateway's ACCESS_DENIED, which template.yaml's
GatewayResponses turn into Better Auth's 401 UNAUTHORIZED), so that Lambda Errors (LambdaErrorsAlarm)
counts only real failures. Raising Exception("Unauthorized") would count every anonymous request.
"""

from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from spooky.auth.cookies import session_token
from spooky.http.api import instrumented
from spooky.services.auth.sessions import authenticate

# The principal of a refused request: no user.
ANONYMOUS = "anonymous"


def deny_policy(method_arn: str) -> dict[str, Any]:
    return {
        "principalId": ANONYMOUS,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": method_arn}],
        },
    }


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
        return deny_policy(request.method_arn)
    return allow_policy(request.method_arn, found.user.id, found.session.id)
