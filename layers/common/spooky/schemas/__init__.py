"""Pydantic schemas: the specification's validation rules, shared by the HTTP boundary and repositories.

Unlike the rest of spooky, these modules do not postpone annotations (no ``from __future__ import
annotations``): pydantic would then evaluate each field's annotation string when it creates the class,
20% of the class's creation cost (0.7 ms of the 3.4 ms of auth.py's 18 classes, measured here), paid at
every cold start. tests/unit/schemas/test_schema_modules.py keeps it so.
"""
