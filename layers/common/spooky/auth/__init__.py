"""Authentication primitives shared by the auth services and the Lambda authorizer.

Pure functions over strings and headers (no DynamoDB, no HTTP framework): password rules and
hashing, the Better Auth session cookie and bearer token formats, and the origin check.
"""
