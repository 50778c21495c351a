"""DynamoDB infrastructure under the repositories: connections, observation, transactions, batches."""
