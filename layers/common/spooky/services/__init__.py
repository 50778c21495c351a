"""Use cases: validate, call repositories, shape results. No HTTP and no DynamoDB details here."""
