"""Pydantic schemas: the validation rules of the seed, shared by the HTTP boundary and the repositories."""
