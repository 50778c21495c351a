"""PynamoDB models, one module per table."""
