"""Authentication use cases behind the Better Auth-compatible endpoints (see docs/api.md).

sessions: start, resolve (shared by the Lambda authorizer and the public endpoints), refresh, list,
revoke. credentials: sign-up, sign-in, password changes and resets, account deletion. profile:
update-user. emails: verification and password-reset messages and their one-time tokens.
"""
