"""Helpers shared by the tests: API clients, data factories, cheap passwords, pytest plugins."""
