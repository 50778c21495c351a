"""Performance benchmarks on DynamoDB Local: `python -m bench.run [--quick]` (see docs/performance.md)."""
