"""The spooky-mvp domain: settings, PynamoDB models, pydantic schemas, repositories, services and HTTP glue.

Imports flow one way: http -> services -> repositories -> models; nothing imports upward.
"""
