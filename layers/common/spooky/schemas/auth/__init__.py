"""Better Auth's request and response bodies for the email-and-password endpoints (wire names as aliases).

Inputs refuse unknown fields, so clients can never set emailVerified, stripeCustomerId, ids or
timestamps. Passwords are plain strings here: their length rules answer with Better Auth's own codes
(PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG) in spooky.auth.passwords, not as schema errors.

One module per group of routes, as spooky.services.auth groups them: a function creates only the
classes of its own group at its cold start (each pydantic class costs about 1.2 M instructions to create,
defer_build or not).
"""
