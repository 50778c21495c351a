"""Data access, one module per aggregate. Every request path costs a known, small number of requests."""
