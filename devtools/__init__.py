"""Development tooling (not deployed): reads template.yaml to run DynamoDB Local and the API offline."""
