"""Where an operator command points: a deployed stack's tables, a local endpoint, or the environment."""

from __future__ import annotations

import argparse
import os
from typing import Any

import boto3

from spooky.db.connection import reset_connections
from spooky.settings import get_settings

# Stack outputs (template.yaml) -> the environment variables Settings reads.
OUTPUT_ENVIRONMENT = {
    "AppTableName": "APP_TABLE_NAME",
    "AuthTableName": "AUTH_TABLE_NAME",
    "AuditTableName": "AUDIT_TABLE_NAME",
}


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--stack", help="deployed stack whose tables to use (reads its outputs)")
    target.add_argument("--endpoint", help="DynamoDB endpoint, e.g. http://127.0.0.1:8000 for `make api`")


def stack_environment(stack_name: str, cloudformation: Any = None) -> dict[str, str]:
    client = cloudformation or boto3.client("cloudformation")
    stack = client.describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}
    return {variable: outputs[key] for key, variable in OUTPUT_ENVIRONMENT.items() if key in outputs}


def configure_target(args: argparse.Namespace) -> None:
    """Point Settings (and every model) at the target chosen on the command line."""
    if args.stack:
        os.environ.update(stack_environment(args.stack))
        os.environ.pop("DYNAMODB_ENDPOINT_URL", None)
    elif args.endpoint:
        os.environ["DYNAMODB_ENDPOINT_URL"] = args.endpoint
        # DynamoDB Local accepts any credentials; never send real ones to it.
        os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"})
        os.environ.pop("AWS_SESSION_TOKEN", None)
    get_settings.cache_clear()
    reset_connections()
