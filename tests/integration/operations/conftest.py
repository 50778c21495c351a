"""Every test here starts with no pending Powertools metrics."""

from tests.unit.operations.emf import fresh_metrics as fresh_metrics
