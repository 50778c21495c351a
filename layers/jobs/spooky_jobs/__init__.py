"""Background jobs (JobsLayer): audit stream, retention purge, health canary, backup drill.

Imports spooky (the CommonLayer); spooky never imports this package, so API functions never load it.
"""
