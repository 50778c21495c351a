"""Every test here starts with no pending Powertools metrics."""

from tests.support.emf import fresh_metrics as fresh_metrics
