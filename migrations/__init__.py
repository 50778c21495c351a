"""Versioned data migrations, run in order by `python -m devtools.migrate up` (see devtools/migrations.py)."""
