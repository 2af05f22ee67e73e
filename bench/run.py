"""sagestack's synthesis and validation cost, side by side with a hand-written CDK app.

``make bench`` (or ``.venv/bin/python bench/run.py``; ``--quick`` for a short run while developing)
measures on the machine it runs on and writes ``bench/results.json`` and the results tables of
``docs/benchmark.md`` and README.md (between the ``bench:start`` / ``bench:end`` markers), with the
date and the machine. Every figure that is compared is a ratio of two runs made back to back in the
same process tree (these machines are shared and noisy):

* synth time and peak memory (the whole process tree: Python and the CDK's Node process) of the
  sagestack app (``app.py``) and of the hand-written app (``bench/handwritten_app.py``: the same
  resources with aws-cdk-lib alone) for generated catalogs of N models, a mix of the example
  catalog; both without cdk-nag (the baseline has none), each as it ships (sagestack without
  aws-cdk-lib's built-in CloudFormation validation, the hand-written app with it, CDK's default)
  and each with the other setting; plus sagestack with cdk-nag as ``make synth`` runs it. The
  hand-written app runs up to ``--handwritten-max`` models; above, sagestack alone. The fixed cost
  and the cost per extra model are a least-squares line over N, with its worst residual;
* the floor: an app with one empty stack, with CDK's validation on and off;
* ``sagestack validate`` over 1,000 generated descriptors, and that validation imports no aws_cdk;
* ``-c models=<one>`` out of a 200- and a 1,000-model catalog against a 1-model catalog;
* CloudFormation limits (500 resources, 1 MB per template) at the largest N;
* state transitions of one successful pipeline run (train + create the endpoint), from the local
  execution harness.

Nothing reaches AWS: every child process gets the guard variables (no metadata probes, no AWS config
or credentials files, no CDK version check or telemetry, a fixed region).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "infra" / "models"
RESULTS_PAGE = ROOT / "docs" / "benchmark.md"
README = ROOT / "README.md"
RESULTS = ROOT / "bench" / "results.json"
sys.path.insert(0, str(ROOT))
from infra.parallel import MIN_MODELS, worker_count  # noqa: E402  # how many processes the app synthesizes in

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
GUARDS = {
    "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "CDK_DISABLE_VERSION_CHECK": "1", "CDK_DISABLE_CLI_TELEMETRY": "true", "AWS_REGION": "us-east-1", "CDK_DEFAULT_REGION": "us-east-1",
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
}
TARGETS = {"synth_ratio": 0.7, "per_model_ratio": 0.7, "nag_ratio": 1.0, "memory_mib": 2048, "validate_1000_seconds": 2.0, "selective_ratio": 1.2}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def examples() -> list[Path]:
    """The YAML examples (the Python descriptor sets its name in code)."""
    return sorted(MODELS.glob("*.yaml"))


def generate_catalog(n: int, dest: Path) -> list[dict[str, str]]:
    """``n`` descriptors cycling through the examples, renamed ``<example>-<i>``; script
    directories are copied beside them so relative paths still resolve. Returns the manifest."""
    dest.mkdir(parents=True, exist_ok=True)
    for directory in (p for p in MODELS.iterdir() if p.is_dir()):
        copy = dest / directory.name
        if not copy.exists():  # copied, not linked: local paths must stay inside the catalog's root
            shutil.copytree(directory, copy)
    sources = examples()
    manifest = []
    renamed: dict[str, str] = {}  # an example's name -> its latest copy's
    for i in range(n):
        source = sources[i % len(sources)]
        data = yaml.safe_load(source.read_text())
        name = f"{data['name']}-{i}"
        renamed[data["name"]] = name
        data["name"] = name
        deploy = data.get("deploy")
        if isinstance(deploy, dict) and deploy.get("endpoint_name"):  # endpoint names are unique in a catalog
            deploy["endpoint_name"] = f"{deploy['endpoint_name']}-{i}"
        add = data.get("add_model")
        if isinstance(add, dict) and add.get("multi_data_model"):  # the copy of its multi-model endpoint (the examples sort it first)
            add["multi_data_model"] = renamed[add["multi_data_model"]]
        (dest / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
        manifest.append({"name": name, "example": source.stem})
    (dest / "manifest.json").write_text(json.dumps(manifest))
    return manifest


def write_definitions(catalog: Path) -> None:
    """The hand-written app's ASL files: sagestack's definitions with example values in place of
    deploy-time tokens (a hand-written app keeps its definitions as files)."""
    from sagestack.descriptor import load_catalog
    from sagestack.pipeline import PipelineResources, RepackStep, pipeline_definition
    from sagestack.pipeline.steps.add_model import multi_model_target
    from sagestack.render import RenderContext
    from sagestack.render.check import EXAMPLE_VALUES

    (catalog / "asl").mkdir(exist_ok=True)
    descriptors = load_catalog([catalog]).descriptors
    by_name = {d.name: d for d in descriptors}
    for d in descriptors:
        if d.estimator is None and d.transformer is None:
            continue
        resources = PipelineResources(
            static=EXAMPLE_VALUES, check_input_function="arn:aws:lambda:us-east-1:123456789012:function:check", endpoint_name=f"{d.name}-dev" if d.deploy else None,
            inference_component_name=f"{d.name}-dev" if d.deploy and d.deploy.inference_component_based() else None,
            repack=RepackStep("arn:aws:lambda:us-east-1:123456789012:function:repack", "assets", "code.tar.gz", "artifacts", f"repacked/{d.name}"),
            model_package_group=f"{d.name}-dev" if d.register is not None else None,
            multi_model=multi_model_target(d, by_name, "dev"),
        )
        (catalog / "asl" / f"{d.name}.json").write_text(json.dumps(pipeline_definition(d, RenderContext(region="us-east-1"), resources)))


def _tree_rss_kib(root: int) -> int:
    """The resident memory of ``root`` and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            total += next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
        pending.extend(children.get(pid, []))
    return total


def timed(command: list[str], *, env: dict[str, str]) -> tuple[float, int]:
    """(seconds, peak resident memory in MiB of the whole process tree, sampled every 0.1 s) of one
    run; raises on failure."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _tree_rss_kib(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _stderr = proc.stderr.read() if proc.stderr else ""  # read while it runs: a full pipe would block the child
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{_stderr[-3000:]}")
    return seconds, max(peak[0], usage.ru_maxrss) // 1024


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, **GUARDS, **extra}


def synth_sagestack(catalog: Path, out: Path, *, nag: bool, models: str | None = None, validation: bool = False, workers: int | None = None) -> tuple[float, int]:
    """``workers``: synthesis processes (default: the app's, one per core from ``MIN_MODELS`` models)."""
    context: dict[str, Any] = {"sagestack:catalog": str(catalog), "sagestack:nag": "true" if nag else "false", "sagestack:validation": "true" if validation else "false"}
    if workers is not None:
        context["sagestack:workers"] = str(workers)
    if models:
        context["models"] = models
    shutil.rmtree(out, ignore_errors=True)
    return timed([sys.executable, "app.py"], env=child_env(CDK_OUTDIR=str(out), CDK_CONTEXT_JSON=json.dumps(context)))


def synth_handwritten(catalog: Path, out: Path, *, validation: bool = True) -> tuple[float, int]:
    """The hand-written app; ``validation``: CDK's built-in CloudFormation validation (its default, on)."""
    shutil.rmtree(out, ignore_errors=True)
    extra = {} if validation else {"CDK_VALIDATION": "false"}
    return timed([sys.executable, str(ROOT / "bench" / "handwritten_app.py"), str(catalog)], env=child_env(CDK_OUTDIR=str(out), **extra))


EMPTY_APP = "import aws_cdk as cdk\napp = cdk.App()\ncdk.Stack(app, 'empty')\napp.synth()\n"


def bench_floor(work: Path, repeats: int) -> dict[str, float]:
    """An app with one empty stack: Python, jsii and aws-cdk-lib starting, with CDK's built-in
    validation on and off."""
    runs: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(repeats):
        for setting in runs:
            out = work / f"out-floor-{setting}"
            shutil.rmtree(out, ignore_errors=True)
            extra = {} if setting == "on" else {"CDK_VALIDATION": "false"}
            runs[setting].append(timed([sys.executable, "-c", EMPTY_APP], env=child_env(CDK_OUTDIR=str(out), **extra))[0])
    return {"validation_on_seconds": min(runs["on"]), "validation_off_seconds": min(runs["off"])}


def assembly_stats(out: Path) -> dict[str, int]:
    from sagestack.assembly import summarize

    info = summarize(out)
    return {"stacks": len(info.stacks), "resources": sum(s.resources for s in info.stacks), "max_resources": max(s.resources for s in info.stacks), "max_bytes": max(s.template_bytes for s in info.stacks)}


def fit_line(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares: (fixed cost, cost per model)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)
    return my - slope * mx, slope


def worst_residual(points: list[tuple[int, float]]) -> tuple[int, float]:
    """(N, measured minus fitted) of the point furthest from the least-squares line."""
    fixed, slope = fit_line(points)
    return max(((x, y - (fixed + slope * x)) for x, y in points), key=lambda p: abs(p[1]))


def best(runs: list[tuple[float, int]]) -> tuple[float, int]:
    """The fastest run's seconds, the largest peak memory."""
    return min(r[0] for r in runs), max(r[1] for r in runs)


def bench_synth(sizes: list[int], work: Path, repeats: int, handwritten_max: int) -> dict[str, Any]:
    rows = []
    for n in sizes:
        catalog = work / f"catalog-{n}"
        generate_catalog(n, catalog)
        write_definitions(catalog)
        both = n <= handwritten_max
        times = repeats if n <= 200 else 1  # the largest catalogs once each: minutes per run
        runs: dict[str, list[tuple[float, int]]] = {"sagestack": [], "handwritten": []}
        for _ in range(times):  # interleaved, so drift on the machine hits both alike
            if both:
                runs["handwritten"].append(synth_handwritten(catalog, work / "out-h"))
            runs["sagestack"].append(synth_sagestack(catalog, work / "out-s", nag=False))
        # each app with the other validation setting, and sagestack as make synth runs it
        other = {"sagestack_validation": synth_sagestack(catalog, work / "out-v", nag=False, validation=True), "sagestack_nag": synth_sagestack(catalog, work / "out-n", nag=True)}
        if both:
            other["handwritten_no_validation"] = synth_handwritten(catalog, work / "out-hv", validation=False)
            other["sagestack_one_process"] = synth_sagestack(catalog, work / "out-1p", nag=False, workers=1)
        ours = assembly_stats(work / "out-s")
        row: dict[str, Any] = {"n": n, "sagestack_resources": ours["resources"], "max_resources_per_stack": ours["max_resources"], "max_template_bytes": ours["max_bytes"]}
        for key, value in [*((k, best(v)) for k, v in runs.items() if v), *other.items()]:
            row[f"{key}_seconds"], row[f"{key}_mib"] = value
        if both:
            row["handwritten_resources"] = assembly_stats(work / "out-h")["resources"]
            row["ratio"] = row["sagestack_seconds"] / row["handwritten_seconds"]
            row["same_settings_ratio"] = row["sagestack_validation_seconds"] / row["handwritten_seconds"]
            row["no_validation_ratio"] = row["sagestack_seconds"] / row["handwritten_no_validation_seconds"]
            row["nag_ratio"] = row["sagestack_nag_seconds"] / row["handwritten_seconds"]
            log(f"N={n}: sagestack {row['sagestack_seconds']:.1f} s / hand-written {row['handwritten_seconds']:.1f} s = {row['ratio']:.2f}x "
                f"(both validating {row['same_settings_ratio']:.2f}x, neither {row['no_validation_ratio']:.2f}x); "
                f"{row['sagestack_mib']} / {row['handwritten_mib']} MiB; resources {row['sagestack_resources']} / {row['handwritten_resources']}; with cdk-nag {row['sagestack_nag_seconds']:.1f} s")
        else:
            log(f"N={n}: sagestack {row['sagestack_seconds']:.1f} s ({row['sagestack_validation_seconds']:.1f} s validating), {row['sagestack_mib']} MiB, {row['sagestack_resources']} resources; with cdk-nag {row['sagestack_nag_seconds']:.1f} s")
        rows.append(row)
    result: dict[str, Any] = {"rows": rows}
    for key in ("sagestack", "sagestack_nag", "handwritten", "handwritten_no_validation", "sagestack_validation", "sagestack_one_process"):
        points = [(r["n"], r[f"{key}_seconds"]) for r in rows if f"{key}_seconds" in r]
        if len(points) >= 2:
            fixed, per = fit_line(points)
            at, residual = worst_residual(points)
            result[key] = {"fixed_seconds": fixed, "per_model_seconds": per, "worst_residual_seconds": residual, "worst_residual_n": at, "sizes": [p[0] for p in points]}
    # per extra model, compared over the sizes both apps ran
    shared_points = [(r["n"], r["sagestack_seconds"]) for r in rows if "handwritten_seconds" in r]
    if len(shared_points) >= 2:
        result["sagestack_same_sizes_per_model_seconds"] = fit_line(shared_points)[1]
    return result


def bench_validate(count: int, work: Path) -> dict[str, Any]:
    catalog = work / f"validate-{count}"
    generate_catalog(count, catalog)
    cli = str(Path(sys.executable).parent / "sagestack")
    # The target is the descriptors alone; the default also applies every environment and the
    # preview of infra/environments.yaml to every model (reported beside it).
    seconds = min(timed([cli, "validate", "--no-environments", str(catalog)], env=child_env())[0] for _ in range(3))
    with_environments = min(timed([cli, "validate", str(catalog)], env=child_env())[0] for _ in range(3))
    probe = (
        "import sys, time; t = time.perf_counter(); from sagestack.descriptor import load_catalog; "
        f"c = load_catalog([{str(catalog)!r}]); t = time.perf_counter() - t; "
        "print(len(c.descriptors), c.ok(), 'aws_cdk' in sys.modules, 'sagemaker' in sys.modules, t)"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=child_env(), capture_output=True, text=True, check=True).stdout.split()
    return {"count": count, "cli_seconds": seconds, "with_environments_seconds": with_environments, "per_descriptor_ms": seconds / count * 1000, "in_process_seconds": float(out[4]),
            "valid": out[1] == "True", "imports_aws_cdk": out[2] == "True", "imports_sagemaker": out[3] == "True"}


def bench_selective(work: Path, big: int, repeats: int) -> dict[str, Any]:
    catalog_big, catalog_one = work / f"select-{big}", work / "select-1"
    generate_catalog(big, catalog_big)
    generate_catalog(1, catalog_one)
    one, selected = [], []
    for _ in range(repeats):
        one.append(synth_sagestack(catalog_one, work / "out-1", nag=True)[0])
        selected.append(synth_sagestack(catalog_big, work / "out-sel", nag=True, models=examples()[0].stem + "-0")[0])
    stacks = assembly_stats(work / "out-sel")["stacks"]
    return {"catalog": big, "one_model_seconds": min(one), "selected_seconds": min(selected), "ratio": min(selected) / min(one), "stacks": stacks}


def bench_transitions() -> int:
    sys.path.insert(0, str(ROOT))
    from tests.pipeline.harness import run
    from tests.pipeline.test_pipeline_definition import definition, first_run_tasks

    out = run(definition("kmeans"), first_run_tasks())
    assert out["status"] == "SUCCEEDED", out
    return int(out["transitions"])


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} × {cpu}{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def _seconds(row: dict[str, Any], key: str) -> str:
    return f"{row[key]:.1f} s" if key in row else "-"


def _load(results: dict[str, Any]) -> str:
    """The machine's 1-minute load average at the start and the end: on a shared machine, how
    much else ran beside the bench."""
    loads = results.get("load")
    return f", load average {loads[0]:.1f} at the start and {loads[-1]:.1f} at the end" if loads else ""


def table(results: dict[str, Any]) -> str:
    s = results["synth"]
    lines = [
        f"Measured {results['date']} on {results['machine']}{_load(results)} ({results['repeats']} interleaved runs per size up to 200 models, one above, best of each; "
        f"`{results['command']}`). Neither app runs cdk-nag except in the last column. sagestack runs as it ships (without aws-cdk-lib's built-in "
        "CloudFormation validation), the hand-written app as CDK's defaults run it (with it); the ratios with the same setting for both follow. "
        f"sagestack synthesizes a catalog of {results['processes']['from_models']} models or more in {results['processes']['count']} processes here (one per core; "
        "with validation, in one), a smaller one in one process.",
        "",
        "| N models | sagestack synth | hand-written synth | ratio | both validating | neither validating | peak memory, process tree (sagestack / hand-written) | resources (sagestack / hand-written) | sagestack with cdk-nag |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in s["rows"]:
        if "ratio" in r:
            lines.append(
                f"| {r['n']:,} | {r['sagestack_seconds']:.1f} s | {r['handwritten_seconds']:.1f} s | {r['ratio']:.2f}× | "
                f"{r['sagestack_validation_seconds']:.1f} / {r['handwritten_seconds']:.1f} s = {r['same_settings_ratio']:.2f}× | "
                f"{r['sagestack_seconds']:.1f} / {r['handwritten_no_validation_seconds']:.1f} s = {r['no_validation_ratio']:.2f}× | "
                f"{r['sagestack_mib']} / {r['handwritten_mib']} MiB | {r['sagestack_resources']} / {r['handwritten_resources']} | {r['sagestack_nag_seconds']:.1f} s ({r['nag_ratio']:.2f}×) |"
            )
        else:
            lines.append(
                f"| {r['n']:,} | {r['sagestack_seconds']:.1f} s | not run | - | {r['sagestack_validation_seconds']:.1f} s (sagestack) | - | "
                f"{r['sagestack_mib']} MiB / - | {r['sagestack_resources']} / - | {r['sagestack_nag_seconds']:.1f} s |"
            )

    lines += ["", *fits_and_floor(results), "", *targets(results), ""]
    return "\n".join(lines)


def fits_and_floor(results: dict[str, Any]) -> list[str]:
    """The least-squares fits of synth time against N, and the floor."""
    s, floor = results["synth"], results["floor"]
    lines: list[str] = []

    def fit(key: str, label: str) -> str:
        f = s.get(key)
        if f is None:
            return ""
        return (f"{label}: {f['fixed_seconds']:.1f} s + {f['per_model_seconds'] * 1000:.0f} ms per model "
                f"(N = {', '.join(f'{n:,}' for n in f['sizes'])}; worst residual {f['worst_residual_seconds']:+.1f} s at N = {f['worst_residual_n']:,})")

    fits = [fit("sagestack", "sagestack"), fit("sagestack_validation", "sagestack validating"), fit("handwritten", "hand-written"),
            fit("handwritten_no_validation", "hand-written without validation"), fit("sagestack_nag", "sagestack with cdk-nag"),
            fit("sagestack_one_process", "sagestack in one process (`-c sagestack:workers=1`)")]
    skipped = [r["n"] for r in s["rows"] if "ratio" not in r]
    lines += ["Least-squares fit of synth time against N:", ""] + [f"- {f}" for f in fits if f]
    if skipped:
        lines.append(f"- the hand-written app was not run above {results['handwritten_max']:,} models (N = {', '.join(f'{n:,}' for n in skipped)}): "
                     "a run takes minutes there, and its line above gives its cost per model")
    lines += ["", f"Floor, an app with one empty stack: {floor['validation_on_seconds']:.1f} s with CDK's built-in validation, {floor['validation_off_seconds']:.1f} s without."]
    return lines


def targets(results: dict[str, Any]) -> list[str]:
    """The issue's targets, each with its figure and whether it is met."""
    s, v = results["synth"], results["validate"]
    both = [r for r in s["rows"] if "ratio" in r]
    largest = s["rows"][-1]
    lines = [
        "| target | figure | result |",
        "|---|---|---|",
    ]
    for r in both:
        if r["n"] in (100, 200):
            lines.append(f"| sagestack synth ≤ 0.7× the hand-written app at N = {r['n']} (each with its defaults) | {r['ratio']:.2f}× | {met(r['ratio'] <= TARGETS['synth_ratio'])} |")
    per_s, per_h = s.get("sagestack_same_sizes_per_model_seconds"), s.get("handwritten", {}).get("per_model_seconds")
    if per_s is not None and per_h:
        lines.append(f"| sagestack per extra model ≤ 0.7× the hand-written app's (N = {', '.join(str(r['n']) for r in both)}) | {per_s * 1000:.0f} ms / {per_h * 1000:.0f} ms = {per_s / per_h:.2f}× | {met(per_s / per_h <= TARGETS['per_model_ratio'])} |")
    for r in both:
        if r["n"] in (100, 200):
            lines.append(f"| sagestack with cdk-nag ≤ 1.0× the hand-written app without it at N = {r['n']} | {r['nag_ratio']:.2f}× | {met(r['nag_ratio'] <= TARGETS['nag_ratio'])} |")
    f = s.get("sagestack")
    if f is not None:
        lines.append(f"| synth time grows linearly with N (sagestack, N up to {f['sizes'][-1]:,}) | worst residual {f['worst_residual_seconds']:+.1f} s (at N = {f['worst_residual_n']:,}), against {largest['sagestack_seconds']:.1f} s at N = {largest['n']:,} | {met(abs(f['worst_residual_seconds']) <= 0.1 * largest['sagestack_seconds'])} |")
    peak = max(max(r.get("sagestack_mib", 0), r.get("sagestack_nag_mib", 0), r.get("sagestack_validation_mib", 0), r.get("sagestack_one_process_mib", 0)) for r in s["rows"])
    lines.append(f"| peak memory of the process tree < 2 GiB (sagestack, any N, any setting) | {peak:,} MiB at most | {met(peak < TARGETS['memory_mib'])} |")
    lines.append(f"| `sagestack validate` of {v['count']:,} descriptors < 2 s | {v['cli_seconds']:.2f} s ({v['per_descriptor_ms']:.2f} ms each; {v['in_process_seconds']:.2f} s in process; imports aws_cdk: {'yes' if v['imports_aws_cdk'] else 'no'}; {v.get('with_environments_seconds', 0):.2f} s also applying every environment and the preview) | {met(v['cli_seconds'] < TARGETS['validate_1000_seconds'] and not v['imports_aws_cdk'])} |")
    for sel in results["selective"]:
        lines.append(f"| one model out of {sel['catalog']:,} (`-c models=`) ≤ 1.2× a 1-model catalog | {sel['selected_seconds']:.1f} s / {sel['one_model_seconds']:.1f} s = {sel['ratio']:.2f}× ({sel['stacks']} stacks: the model's and the shared stack) | {met(sel['ratio'] <= TARGETS['selective_ratio'])} |")
    lines += [
        f"| no stack over CloudFormation's limits at N = {largest['n']:,} | largest stack {largest['max_resources_per_stack']} resources (limit 500), {largest['max_template_bytes'] / 1024:.0f} KiB (limit 1 MiB) | {met(largest['max_resources_per_stack'] <= 500 and largest['max_template_bytes'] <= 1024 * 1024)} |",
        f"| state transitions of one successful run (train, create the endpoint, one wait) | {results['transitions']} | - |",
    ]
    return lines




def summary_table(results: dict[str, Any]) -> str:
    """The README's short version: the times and ratios at each size, the fits, the floor and the
    targets' results."""
    s = results["synth"]
    lines = [
        f"Measured {results['date']} on {results['machine']}{_load(results)} (`{results['command']}`; details and every target in docs/benchmark.md).",
        "",
        "| N models | sagestack | hand-written (CDK defaults) | ratio | both validating | neither validating | sagestack with cdk-nag |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in s["rows"]:
        if "ratio" in r:
            lines.append(f"| {r['n']:,} | {r['sagestack_seconds']:.1f} s | {r['handwritten_seconds']:.1f} s | {r['ratio']:.2f}× | {r['same_settings_ratio']:.2f}× | {r['no_validation_ratio']:.2f}× | {r['sagestack_nag_seconds']:.1f} s |")
        else:
            lines.append(f"| {r['n']:,} | {r['sagestack_seconds']:.1f} s | not run | - | - | - | {r['sagestack_nag_seconds']:.1f} s |")
    lines += ["", *fits_and_floor(results), "", *targets(results), ""]
    return "\n".join(lines)


def with_table(text: str, body: str) -> str:
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n{body}{END}{tail}"


def write_results_page(results: dict[str, Any]) -> None:
    RESULTS_PAGE.write_text(with_table(RESULTS_PAGE.read_text(), table(results)))
    README.write_text(with_table(README.read_text(), summary_table(results)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,50,100,200,500,1000", help="catalog sizes N (default: 1,10,50,100,200,500,1000)")
    parser.add_argument("--repeats", type=int, default=2, help="interleaved runs per size up to 200 models (best is kept)")
    parser.add_argument("--handwritten-max", type=int, default=200, help="largest N the hand-written app runs at (default 200: above, a run takes minutes on a 2-core machine)")
    parser.add_argument("--selective", default="200,1000", help="catalog sizes one model is selected from (default: 200,1000)")
    parser.add_argument("--validate-count", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="a short run while developing: N = 1, 10, 50, one run each, selection from 50")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite the tables in docs/benchmark.md and README.md")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeats, args.selective = "1,10,50", 1, "50"
    sizes = [int(n) for n in args.sizes.split(",")]
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="sagestack-bench-") as tmp:
        work = Path(tmp)
        log("validation ...")
        validate = bench_validate(args.validate_count, work)
        log(f"validate {validate['count']}: {validate['cli_seconds']:.2f} s")
        log("floor ...")
        floor = bench_floor(work, args.repeats)
        log(f"floor: {floor['validation_on_seconds']:.1f} s validating, {floor['validation_off_seconds']:.1f} s not")
        log("synth ...")
        synth = bench_synth(sizes, work, args.repeats, args.handwritten_max)
        log("selective synth ...")
        selective = []
        for big in (int(n) for n in args.selective.split(",")):
            selective.append(bench_selective(work, big, args.repeats))
            log(f"selective of {big}: {selective[-1]['ratio']:.2f}x")
    loads.append(os.getloadavg()[0])
    results = {
        "date": dt.date.today().isoformat(), "machine": machine(), "load": loads, "repeats": args.repeats, "handwritten_max": args.handwritten_max,
        "command": "make bench QUICK=1" if args.quick else "make bench",
        "processes": {"from_models": MIN_MODELS, "count": worker_count({}, 10**6)[0]},
        "synth": synth, "floor": floor, "validate": validate, "selective": selective, "transitions": bench_transitions(),
    }
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    if not args.no_docs:
        write_results_page(results)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
