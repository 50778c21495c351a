"""Hypothesis settings for property tests that send requests: reproducible, and reported as drawn."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings


def request_settings(max_examples: int, **overrides: object) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        # A failure is reported as drawn: shrinking would replay many requests against the database.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        **overrides,
    )
