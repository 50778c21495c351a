"""The spooky-mvp domain: settings, PynamoDB models, pydantic schemas, repositories, services and HTTP glue.

Imports flow one way: http -> services -> repositories -> models; nothing imports upward.
"""

# First, before anything imports them: the Powertools packages whose __init__ imports a whole catalogue
# load name by name (spooky/lazy_packages.py). Handlers import spooky first for this (functions/ruff.toml).
from spooky.lazy_packages import POWERTOOLS_CATALOGUES, defer_init

defer_init(*POWERTOOLS_CATALOGUES)
