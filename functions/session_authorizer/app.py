"""Lambda REQUEST authorizer: the session cookie or bearer token of a request -> its user, or a Deny.

No identity source and no caching (template.yaml): every request is checked with one strongly
consistent BatchGetItem of the session and its user, so a revoked or expired session, or a session
of a deleted user, is refused at once. The Allow policy covers
only the method being called and hands {userId, sessionId, userName, userEmail} to the function (the
name and email, as read by this same check, are what POST /posts copies onto the post).

A refusal is an answer, not a failure: a Deny policy (API Gateway's ACCESS_DENIED, which template.yaml's
GatewayResponses turn into Better Auth's 401 UNAUTHORIZED), so that Lambda Errors (LambdaErrorsAlarm)
counts only real failures. Only a policy can also carry a context: ``corsOrigin``, the caller's origin if
trusted, which the gateway response echoes so every trusted page can read the 401.
"""

from typing import Any

from spooky.auth.cookies import header, session_token
from spooky.auth.origin import allowed_origin
from spooky.models.app import UserModel
from spooky.observability import instrumented
from spooky.services.auth.sessions import authenticate

from aws_lambda_powertools.utilities.typing import LambdaContext

# The principal of a refusal: no user.
ANONYMOUS = "anonymous"


def policy(method_arn: str, effect: str, principal: str, context: dict[str, str]) -> dict[str, Any]:
    # Built by hand: Powertools' policy builder refuses request paths with characters outside its
    # resource pattern, which would turn a junk URL into an authorizer failure (5xx) instead of a 4xx.
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": method_arn}],
        },
        "context": context,
    }


def allow_policy(method_arn: str, user: UserModel, session_id: str) -> dict[str, Any]:
    context = {"userId": user.id, "sessionId": session_id, "userName": user.name, "userEmail": user.email}
    return policy(method_arn, "Allow", user.id, context)


def deny_policy(method_arn: str, origin: str | None) -> dict[str, Any]:
    # An empty corsOrigin grants nothing: untrusted origins are never echoed.
    return policy(method_arn, "Deny", ANONYMOUS, {"corsOrigin": allowed_origin(origin) or ""})


@instrumented
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The event as the dict it is: Powertools' event classes would load its whole data_classes package
    # (every event type it knows), ~5% of this function's cold start, for two fields.
    headers = event.get("headers")
    method_arn: str = event["methodArn"]
    found = authenticate(session_token(headers))
    if found is None:
        return deny_policy(method_arn, header(headers, "origin"))
    return allow_policy(method_arn, found.user, found.session.id)
