"""The spooky-mvp domain: settings, PynamoDB models, pydantic schemas, repositories, services and HTTP glue.

Imports flow one way: http -> services -> repositories -> models; nothing imports upward.
"""

# First, before anything else is imported: the start of a Lambda init (spooky/startup.py). Handlers
# import spooky before any other package for this (functions/ruff.toml).
from spooky.startup import begin

begin()
