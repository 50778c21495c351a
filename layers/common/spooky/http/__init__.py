"""HTTP glue shared by every function: resolver factory, error mapping, the Lambda decorator stack."""
