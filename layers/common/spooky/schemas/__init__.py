"""Pydantic schemas: the specification's validation rules, shared by the HTTP boundary and repositories."""
