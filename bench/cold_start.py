"""Benchmark 3: cold start (import + module initialisation in a fresh interpreter) and deployed sizes.

Each function's module is loaded by path in a new `python -c` process, as devtools.functions.load_module
does and as the Lambda runtime does, with the function's template environment and the variables that
make Powertools behave as in Lambda (tracing on). The baseline, `import boto3; boto3.client("dynamodb")`,
runs in the same environment, interleaved with the functions so that machine noise hits both alike.

The interpreters see what a deployed function sees: the layer's requirements and boto3, installed apart
(.local/bench/) from the development venv, whose extra packages would change the measurement (botocore
loads awscrt when it is importable, and the X-Ray SDK patches, and so imports, requests when it is), and
compiled to bytecode, as the layers ship it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench.charts import Bar, BarChart
from bench.harness import Harness
from bench.report import Cell, Section, Target
from devtools.template import ROOT, Function, functions, layers, load_template, resolve_environment

RATIO_TARGET = 1.25
IMPORT_PROFILE_RUNS = 3
# One baseline run per this many function runs: its median then rests on many samples across the run.
BASELINE_EVERY = 4
LAYER_PATH = ROOT / "layers" / "common"
# The background jobs' package (JobsLayer): on the path like a second layer under /opt/python.
JOBS_LAYER_PATH = ROOT / "layers" / "jobs"
LOAD_FUNCTION = """
import importlib.util, sys, time
started = time.perf_counter()
spec = importlib.util.spec_from_file_location(sys.argv[1], sys.argv[2])
module = importlib.util.module_from_spec(spec)
sys.modules[sys.argv[1]] = module
spec.loader.exec_module(module)
print(time.perf_counter() - started)
"""
BASELINE = """
import time
started = time.perf_counter()
import boto3
boto3.client("dynamodb")
print(time.perf_counter() - started)
"""
# What every HTTP route loads before any code of its own, as it loads it: the libraries' share of a cold
# start, measured in the same run so that the report can say how much of the budget they leave.
LIBRARY_FLOOR = """
import time
started = time.perf_counter()
import spooky  # as every handler does first: the start of an init (spooky/startup.py)
import spooky.startup
import pynamodb.models
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
Logger()
Metrics()
Tracer(patch_modules=["botocore", "pynamodb"])
APIGatewayRestResolver(enable_validation=True)
spooky.startup.end()  # as every handler's entry point does: the init is over
print(time.perf_counter() - started)
"""
FLOOR_DESCRIPTION = (
    "the libraries alone: Logger, Metrics, Tracer (X-Ray patching botocore and PynamoDB), PynamoDB and "
    "Powertools' REST resolver with pydantic validation"
)
# The function whose environment the floor runs in (any HTTP route would do).
FLOOR_ENVIRONMENT = "GetPostFunction"
# What the Python Lambda runtime already ships: a layer copy is dead weight (and shadows it).
RUNTIME_PACKAGES = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six"})


@dataclass(frozen=True)
class Interpreter:
    """How to start a fresh interpreter that sees the deployed package set."""

    flags: tuple[str, ...]
    python_path: str
    description: str

    def command(self, *args: str) -> list[str]:
        return [sys.executable, *self.flags, *args]


def lambda_site() -> Path:
    """The layer's requirements plus boto3 (the runtime's), pip-installed once into .local/bench/."""
    import boto3

    requirements = (LAYER_PATH / "requirements.txt").read_text()
    key = hashlib.sha256(f"{requirements}{boto3.__version__}".encode()).hexdigest()[:12]
    site = ROOT / ".local" / "bench" / f"lambda-site-{key}"
    if not (site / ".complete").exists():
        shutil.rmtree(site, ignore_errors=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--target",
                str(site),
                "-r",
                str(LAYER_PATH / "requirements.txt"),
                f"boto3=={boto3.__version__}",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        (site / ".complete").touch()
    return site


def interpreter() -> Interpreter:
    try:
        site = lambda_site()
    except subprocess.CalledProcessError as error:
        reason = (error.stderr or "").strip().splitlines()[-1:] or ["pip failed"]
        return Interpreter(
            (),
            f"{LAYER_PATH}{os.pathsep}{JOBS_LAYER_PATH}",
            f"the development venv (the Lambda-like site failed: {reason[0]})",
        )
    # The layers ship their bytecode (layers/*/Makefile): compiled before the first run, which would
    # otherwise also time the compilation of every module it imports first.
    compileall = [sys.executable, "-m", "compileall", "-q", "-j", "0"]
    subprocess.run(
        [*compileall, str(site), str(LAYER_PATH), str(JOBS_LAYER_PATH)], check=True, capture_output=True
    )
    # -S: no site-packages, only the stdlib and PYTHONPATH, like /opt/python + /var/runtime in Lambda.
    return Interpreter(
        ("-S", "-s"),
        f"{LAYER_PATH}{os.pathsep}{JOBS_LAYER_PATH}{os.pathsep}{site}",
        "the layer's requirements + boto3 only",
    )


def _environment(function: Function | None, h: Harness, python: Interpreter) -> dict[str, str]:
    """A deployed function's environment, minus the network: template variables + Lambda's own."""
    template = resolve_environment(function.environment, h.table_names) if function else {}
    name = function.logical_id if function else "Baseline"
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": python.python_path,
        **template,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        # Set by the Lambda runtime for its client; spooky pauses the collector during a Lambda init only.
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
        # Powertools enables the tracer (and patches botocore) only where this is set, i.e. in Lambda.
        "LAMBDA_TASK_ROOT": str(function.code_uri if function else ROOT),
    }


def _run(python: Interpreter, code: str, args: list[str], env: dict[str, str], cwd: Path) -> float:
    done = subprocess.run(
        python.command("-c", code, *args), env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    return float(done.stdout.strip().splitlines()[-1]) * 1000


def _load_args(function: Function) -> list[str]:
    return [f"functions_{function.code_uri.name}_{function.module_path.stem}", str(function.module_path)]


@dataclass
class Samples:
    values: list[float]
    error: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.values)


@dataclass
class Runs:
    baseline: Samples
    floor: Samples
    functions: dict[str, Samples]


def _measure(h: Harness, python: Interpreter, present: list[Function]) -> Runs:
    """Interleaved runs: the baseline (and the library floor) again after every few functions, so that
    all sample the same load."""
    baseline, floor = Samples([]), Samples([])
    samples = {function.logical_id: Samples([]) for function in present}
    route = next(function for function in present if function.logical_id == FLOOR_ENVIRONMENT)
    for _ in range(h.mode.cold_start_runs):
        for position, function in enumerate(present):
            if position % BASELINE_EVERY == 0:
                baseline.values.append(_run(python, BASELINE, [], _environment(None, h, python), ROOT))
                floor.values.append(
                    _run(python, LIBRARY_FLOOR, [], _environment(route, h, python), route.code_uri)
                )
            entry = samples[function.logical_id]
            if entry.error:
                continue
            try:
                entry.values.append(
                    _run(
                        python,
                        LOAD_FUNCTION,
                        _load_args(function),
                        _environment(function, h, python),
                        function.code_uri,
                    )
                )
            except RuntimeError as error:
                entry.error = str(error)
    return Runs(baseline, floor, samples)


def _import_profile(
    python: Interpreter, code: str, args: list[str], env: dict[str, str], cwd: Path
) -> dict[str, float]:
    """Milliseconds of import self time per top-level package (one `python -X importtime` run)."""
    done = subprocess.run(
        python.command("-X", "importtime", "-c", code, *args),
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    per_package: dict[str, float] = defaultdict(float)
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            per_package[parts[2].strip().split(".")[0]] += int(parts[0]) / 1000
    return per_package


def _least_import_times(
    python: Interpreter, code: str, args: list[str], env: dict[str, str], cwd: Path
) -> dict[str, float]:
    """Per package, the least self time over a few runs: the least noisy estimate on a busy machine."""
    runs = [_import_profile(python, code, args, env, cwd) for _ in range(IMPORT_PROFILE_RUNS)]
    return {package: min(run.get(package, 0.0) for run in runs) for package in set().union(*runs)}


def imports_beyond_baseline(
    function: Function, h: Harness, python: Interpreter, top: int = 6
) -> list[tuple[str, float]]:
    """The packages whose import costs ``function`` the most time beyond what the baseline imports."""
    ours = _least_import_times(
        python, LOAD_FUNCTION, _load_args(function), _environment(function, h, python), function.code_uri
    )
    theirs = _least_import_times(python, BASELINE, [], _environment(None, h, python), ROOT)
    extra = {package: ms - theirs.get(package, 0.0) for package, ms in ours.items()}
    return sorted(((p, ms) for p, ms in extra.items() if ms >= 1), key=lambda item: item[1], reverse=True)[
        :top
    ]


def _cold_start_section(h: Harness) -> Section:
    every = list(functions().values())
    python = interpreter()
    runs = _measure(h, python, every)
    baseline, floor = runs.baseline, runs.floor.median / runs.baseline.median
    section = Section(
        "3. Cold start",
        f"Median of {h.mode.cold_start_runs} fresh interpreters per function: importing the function's "
        "module runs its initialisation (resolver, Powertools, models). Baseline: "
        f'`import boto3; boto3.client("dynamodb")` in the same environment, run again after every '
        f"{BASELINE_EVERY} functions: median **{baseline.median:.0f} ms** of {len(baseline.values)} runs "
        f"(range {min(baseline.values):.0f}-{max(baseline.values):.0f} ms). Library floor, run with each "
        f"baseline: {FLOOR_DESCRIPTION}, without a line of a route: median **{runs.floor.median:.0f} ms**, "
        f"**{floor:.2f}x** the baseline. Packages: {python.description}.",
        ("function", "memory", "import + init, median ms", "x baseline", "target ≤ 1.25x"),
    )
    ratios: dict[str, float] = {}
    for function in every:
        section.rows.append(_cold_row(function, runs.functions.get(function.logical_id), baseline, ratios))
    bars = [Bar(name, ratio) for name, ratio in ratios.items()] + [Bar("(library floor)", floor)]
    section.charts.append(
        BarChart(
            "cold-start",
            "Cold start: import + init, relative to import boto3; boto3.client('dynamodb')",
            "x the boto3 baseline (median of fresh interpreters, same run)",
            sorted(bars, key=lambda bar: bar.value),
            budget=RATIO_TARGET,
        )
    )
    slow = sorted((ratio, name) for name, ratio in ratios.items() if ratio > RATIO_TARGET)
    section.targets.append(_cold_target(h, python, ratios, slow, every, floor))
    return section


def _memory(function: Function) -> str:
    props = load_template()["Resources"][function.logical_id]["Properties"]
    default = load_template().get("Globals", {}).get("Function", {}).get("MemorySize", "-")
    return f"{props.get('MemorySize', default)} MB"


def _cold_row(
    function: Function, entry: Samples | None, baseline: Samples, ratios: dict[str, float]
) -> list[Cell]:
    if entry is None:
        return [function.logical_id, _memory(function), "not measured", "-", "-"]
    if entry.error:
        return [function.logical_id, _memory(function), f"import failed: {entry.error[:120]}", "-", "gap"]
    ratio = entry.median / baseline.median
    ratios[function.logical_id] = ratio
    return [
        function.logical_id,
        _memory(function),
        f"{entry.median:.0f}",
        f"{ratio:.2f}",
        "met" if ratio <= RATIO_TARGET else "gap",
    ]


def _cold_target(
    h: Harness,
    python: Interpreter,
    ratios: dict[str, float],
    slow: list[tuple[float, str]],
    present: list[Function],
    floor: float,
) -> Target:
    met = not slow and len(ratios) == len(present)
    measured_text = f"{len(ratios) - len(slow)} of {len(present)} functions within {RATIO_TARGET}x"
    if ratios:
        measured_text += f" (range {min(ratios.values()):.2f}-{max(ratios.values()):.2f}x)"
    measured_text += f"; the libraries alone {floor:.2f}x"
    if met:
        return Target(f"cold start ≤ {RATIO_TARGET}x the boto3 baseline", True, measured_text)
    worst_ratio, worst_name = slow[-1] if slow else (max(ratios.values(), default=0.0), present[0].logical_id)
    worst = functions()[worst_name]
    extra = imports_beyond_baseline(worst, h, python)
    return Target(
        f"cold start ≤ {RATIO_TARGET}x the boto3 baseline",
        False,
        measured_text,
        f"{len(slow)} function(s) over, by at most {worst_ratio - RATIO_TARGET:.2f}x; the library floor "
        f"is {floor:.2f}x, so a route's own modules (schemas, models, services) take up to "
        f"{worst_ratio - floor:.2f}x: {worst.logical_id} (the slowest) spends, beyond the baseline's "
        "imports, "
        + ", ".join(f"{name} +{ms:.0f} ms" for name, ms in extra)
        + f" (import self time per package, least of {IMPORT_PROFILE_RUNS} -X importtime runs each)",
        "fewer pydantic classes and modules per route (each class about 1.2 M instructions): the "
        "credentials service still loads the email, password and rate-limit modules of every credential "
        "route, and Settings builds its schema at import (about 13 M). Importing on first use what every "
        "request needs would only move the time into the first request",
    )


# ---------------------------------------------------------------- deployed sizes


def _human(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} KB"


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _zipped(path: Path, workdir: Path) -> int:
    archive = shutil.make_archive(str(workdir / path.name), "zip", root_dir=path)
    return Path(archive).stat().st_size


def _sam_build(build_dir: Path) -> str | None:
    """Runs `sam build` into ``build_dir``; returns an error message, or None when it worked."""
    sam = shutil.which("sam") or str(Path(sys.executable).parent / "sam")
    if not Path(sam).exists():
        return "sam is not installed"
    done = subprocess.run(
        [
            sam,
            "build",
            "--template-file",
            str(ROOT / "template.yaml"),
            "--build-dir",
            str(build_dir),
            "--cache-dir",
            str(build_dir.parent / "cache"),
            "--parallel",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "SAM_CLI_TELEMETRY": "0",
            "SAM_CLI_ENABLE_LANGUAGE_EXTENSIONS": "1",
            # The layers' Makefiles run python3.13, the runtime's version: the venv's, as `make build` does.
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        },
    )
    if done.returncode != 0:
        return "sam build failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return None


def _size_section(h: Harness) -> Section:
    section = Section(
        "3b. Deployed size",
        "`sam build` (arm64, Python 3.13) into a temporary directory; the size of each artifact as Lambda "
        "unpacks it, and zipped as it is uploaded.",
        ("artifact", "unzipped", "zipped", "note"),
    )
    if not h.mode.build_artifacts:
        section.skipped = "quick mode does not run `sam build`"
        return section
    with tempfile.TemporaryDirectory(prefix="bench-build-") as workdir:
        build_dir = Path(workdir) / "build"
        error = _sam_build(build_dir)
        if error:
            section.skipped = error
            return section
        _size_rows(section, build_dir, Path(workdir))
    return section


def _distribution(entry: str) -> str:
    """The distribution a layer entry belongs to: "botocore-1.2.dist-info" and "six.py" -> botocore, six."""
    name = entry.split("-")[0].removesuffix(".py")
    return {"python_dateutil": "dateutil"}.get(name, name)


def _size_rows(section: Section, build_dir: Path, workdir: Path) -> None:
    layer = build_dir / "CommonLayer" / "python"
    sizes: dict[str, int] = defaultdict(int)
    for entry in layer.iterdir():
        sizes[_distribution(entry.name)] += _size(entry)
    largest = sorted(sizes.items(), key=lambda item: item[1], reverse=True)[:5]
    layer_size = sum(sizes.values())
    section.rows.append(
        (
            "CommonLayer",
            _human(layer_size),
            _human(_zipped(layer.parent, workdir)),
            "largest: " + ", ".join(f"{name} {_human(size)}" for name, size in largest),
        )
    )
    others = [name for name in layers() if name != "CommonLayer"] + list(functions())
    for name in others:
        artifact = build_dir / name
        if artifact.exists():
            section.rows.append((name, _human(_size(artifact)), _human(_zipped(artifact, workdir)), "-"))
    section.targets.append(_layer_size_target(layer_size))
    section.targets.append(_runtime_packages_target(sizes, layer_size))


# Issue 12's budget for what Lambda unpacks of the shared layer.
LAYER_BUDGET_BYTES = 15 * 1000 * 1000


def _layer_size_target(layer_size: int) -> Target:
    label = f"CommonLayer ≤ {_human(LAYER_BUDGET_BYTES)} unzipped"
    if layer_size <= LAYER_BUDGET_BYTES:
        return Target(label, True, _human(layer_size))
    return Target(
        label,
        False,
        _human(layer_size),
        "the layer ships more than the functions import",
        "delete what no function imports in layers/common/Makefile (tests/unit/test_layer.py checks it)",
    )


def _runtime_packages_target(sizes: dict[str, int], layer_size: int) -> Target:
    shipped = {name: size for name, size in sizes.items() if name in RUNTIME_PACKAGES}
    measured_text = (
        f"layer {_human(layer_size)}, of which runtime-provided packages {_human(sum(shipped.values()))}"
        f" ({', '.join(f'{name} {_human(size)}' for name, size in sorted(shipped.items())) or 'none'})"
    )
    if not shipped:
        return Target("boto3/botocore come from the Lambda runtime, not the layer", True, measured_text)
    return Target(
        "boto3/botocore come from the Lambda runtime, not the layer",
        False,
        measured_text,
        "boto3 is left out of layers/common/requirements.txt, but pynamodb and aws-xray-sdk (Powertools' "
        "tracer extra) depend on botocore, so pip installs botocore and its dependencies into the layer",
        "build the layer with a Makefile build method (BuildMethod: makefile) that pip-installs the "
        "requirements, then deletes the packages the python3.13 runtime provides (those listed), keeping "
        "the pins compatible with the runtime's botocore",
    )


def run(h: Harness) -> list[Section]:
    return [_cold_start_section(h), _size_section(h)]
