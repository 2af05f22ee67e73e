"""sagestack's synthesis and validation cost, side by side with a hand-written CDK app.

``make bench`` (or ``.venv/bin/python bench/run.py``) measures on the machine it runs on and
writes ``bench/results.json`` and the results table of ``docs/benchmark.md`` (between the ``bench:start`` /
``bench:end`` markers), with the date and the machine. Every figure that is compared is a ratio of
two runs made back to back in the same process tree (these machines are shared and noisy):

* synth time and peak memory of the sagestack app (``app.py``) and of the hand-written app
  (``bench/handwritten_app.py``: the same resources with aws-cdk-lib alone) for generated catalogs
  of N models, a mix of the example catalog; both without cdk-nag (the baseline has none), plus
  sagestack with cdk-nag as ``make synth`` runs it; the fixed cost and the cost per extra model
  (least squares over N);
* ``sagestack validate`` over 1,000 generated descriptors, and that validation imports no aws_cdk;
* ``-c models=<one>`` out of a 200-model catalog against a 1-model catalog;
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
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "infra" / "models"
RESULTS_PAGE = ROOT / "docs" / "benchmark.md"
RESULTS = ROOT / "bench" / "results.json"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
GUARDS = {
    "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "CDK_DISABLE_VERSION_CHECK": "1", "CDK_DISABLE_CLI_TELEMETRY": "true", "AWS_REGION": "us-east-1", "CDK_DEFAULT_REGION": "us-east-1",
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
}
TARGETS = {"synth_ratio_at_100": 1.0, "validate_1000_seconds": 2.0, "selective_ratio": 1.2}


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
    for i in range(n):
        source = sources[i % len(sources)]
        data = yaml.safe_load(source.read_text())
        name = f"{data['name']}-{i}"
        data["name"] = name
        deploy = data.get("deploy")
        if isinstance(deploy, dict) and deploy.get("endpoint_name"):  # endpoint names are unique in a catalog
            deploy["endpoint_name"] = f"{deploy['endpoint_name']}-{i}"
        (dest / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
        manifest.append({"name": name, "example": source.stem})
    (dest / "manifest.json").write_text(json.dumps(manifest))
    return manifest


def write_definitions(catalog: Path) -> None:
    """The hand-written app's ASL files: sagestack's definitions with example values in place of
    deploy-time tokens (a hand-written app keeps its definitions as files)."""
    from sagestack.descriptor import load_catalog
    from sagestack.pipeline import PipelineResources, RepackStep, pipeline_definition
    from sagestack.render import RenderContext
    from sagestack.render.check import EXAMPLE_VALUES

    (catalog / "asl").mkdir(exist_ok=True)
    for d in load_catalog([catalog]).descriptors:
        if d.estimator is None and d.transformer is None:
            continue
        resources = PipelineResources(
            static=EXAMPLE_VALUES, check_input_function="arn:aws:lambda:us-east-1:123456789012:function:check", endpoint_name=f"{d.name}-dev" if d.deploy else None,
            repack=RepackStep("arn:aws:lambda:us-east-1:123456789012:function:repack", "assets", "code.tar.gz", "artifacts", f"repacked/{d.name}"),
            model_package_group=f"{d.name}-dev" if d.register is not None else None,
        )
        (catalog / "asl" / f"{d.name}.json").write_text(json.dumps(pipeline_definition(d, RenderContext(region="us-east-1"), resources)))


def timed(command: list[str], *, env: dict[str, str]) -> tuple[float, int]:
    """(seconds, peak RSS in MiB of the largest process in the tree) of one run; raises on failure."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss // 1024


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, **GUARDS, **extra}


def synth_sagestack(catalog: Path, out: Path, *, nag: bool, models: str | None = None) -> tuple[float, int]:
    context: dict[str, Any] = {"sagestack:catalog": str(catalog), "sagestack:nag": "true" if nag else "false"}
    if models:
        context["models"] = models
    shutil.rmtree(out, ignore_errors=True)
    return timed([sys.executable, "app.py"], env=child_env(CDK_OUTDIR=str(out), CDK_CONTEXT_JSON=json.dumps(context)))


def synth_handwritten(catalog: Path, out: Path) -> tuple[float, int]:
    shutil.rmtree(out, ignore_errors=True)
    return timed([sys.executable, str(ROOT / "bench" / "handwritten_app.py"), str(catalog)], env=child_env(CDK_OUTDIR=str(out)))


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


def bench_synth(sizes: list[int], work: Path, repeats: int) -> dict[str, Any]:
    rows = []
    for n in sizes:
        catalog = work / f"catalog-{n}"
        generate_catalog(n, catalog)
        write_definitions(catalog)
        runs: dict[str, list[tuple[float, int]]] = {"sagestack": [], "handwritten": [], "sagestack_nag": []}
        for _ in range(repeats):  # interleaved, so drift on the machine hits both alike
            runs["handwritten"].append(synth_handwritten(catalog, work / "out-h"))
            runs["sagestack"].append(synth_sagestack(catalog, work / "out-s", nag=False))
        runs["sagestack_nag"].append(synth_sagestack(catalog, work / "out-n", nag=True))
        ours, theirs = assembly_stats(work / "out-s"), assembly_stats(work / "out-h")
        row = {
            "n": n,
            **{f"{k}_seconds": min(r[0] for r in v) for k, v in runs.items()},
            **{f"{k}_mib": max(r[1] for r in v) for k, v in runs.items()},
            "sagestack_resources": ours["resources"], "handwritten_resources": theirs["resources"],
            "max_resources_per_stack": ours["max_resources"], "max_template_bytes": ours["max_bytes"],
        }
        row["ratio"] = row["sagestack_seconds"] / row["handwritten_seconds"]
        row["memory_ratio"] = row["sagestack_mib"] / row["handwritten_mib"]
        log(f"N={n}: sagestack {row['sagestack_seconds']:.1f} s / hand-written {row['handwritten_seconds']:.1f} s = {row['ratio']:.2f}x; "
            f"{row['sagestack_mib']} / {row['handwritten_mib']} MiB; resources {ours['resources']} / {theirs['resources']}; with cdk-nag {row['sagestack_nag_seconds']:.1f} s")
        rows.append(row)
    fixed_s, per_s = fit_line([(r["n"], r["sagestack_seconds"]) for r in rows])
    fixed_h, per_h = fit_line([(r["n"], r["handwritten_seconds"]) for r in rows])
    return {"rows": rows, "sagestack_fixed_seconds": fixed_s, "sagestack_per_model_seconds": per_s, "handwritten_fixed_seconds": fixed_h, "handwritten_per_model_seconds": per_h}


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


def table(results: dict[str, Any]) -> str:
    s, v, sel = results["synth"], results["validate"], results["selective"]
    at100 = next((r for r in s["rows"] if r["n"] == 100), s["rows"][-1])
    largest = s["rows"][-1]
    lines = [
        f"Measured {results['date']} on {results['machine']} ({results['repeats']} interleaved runs per size, best of each; `make bench`).",
        "",
        "| N models | sagestack synth | hand-written synth | ratio | peak memory (sagestack / hand-written) | resources (sagestack / hand-written) | sagestack with cdk-nag |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in s["rows"]:
        lines.append(f"| {r['n']} | {r['sagestack_seconds']:.1f} s | {r['handwritten_seconds']:.1f} s | {r['ratio']:.2f}× | {r['sagestack_mib']} / {r['handwritten_mib']} MiB ({r['memory_ratio']:.2f}×) | {r['sagestack_resources']} / {r['handwritten_resources']} | {r['sagestack_nag_seconds']:.1f} s |")
    lines += [
        "",
        f"Fixed cost: sagestack {s['sagestack_fixed_seconds']:.1f} s, hand-written {s['handwritten_fixed_seconds']:.1f} s. "
        f"Per extra model: sagestack {s['sagestack_per_model_seconds'] * 1000:.0f} ms, hand-written {s['handwritten_per_model_seconds'] * 1000:.0f} ms.",
        "",
        "| target | figure | result |",
        "|---|---|---|",
        f"| sagestack synth ≤ 1.0× the hand-written app at N = {at100['n']} | {at100['ratio']:.2f}× | {met(at100['ratio'] <= TARGETS['synth_ratio_at_100'])} |",
        f"| `sagestack validate` of {v['count']:,} descriptors < 2 s | {v['cli_seconds']:.2f} s ({v['per_descriptor_ms']:.2f} ms each; {v['in_process_seconds']:.2f} s in process; imports aws_cdk: {'yes' if v['imports_aws_cdk'] else 'no'}; {v.get('with_environments_seconds', 0):.2f} s also applying every environment and the preview) | {met(v['cli_seconds'] < TARGETS['validate_1000_seconds'] and not v['imports_aws_cdk'])} |",
        f"| one model out of {sel['catalog']} (`-c models=`) ≤ 1.2× a 1-model catalog | {sel['selected_seconds']:.1f} s / {sel['one_model_seconds']:.1f} s = {sel['ratio']:.2f}× ({sel['stacks']} stacks: the model's and the shared stack) | {met(sel['ratio'] <= TARGETS['selective_ratio'])} |",
        f"| no stack over CloudFormation's limits at N = {largest['n']} | largest stack {largest['max_resources_per_stack']} resources (limit 500), {largest['max_template_bytes'] / 1024:.0f} KiB (limit 1 MiB) | {met(largest['max_resources_per_stack'] <= 500 and largest['max_template_bytes'] <= 1024 * 1024)} |",
        f"| state transitions of one successful run (train, create the endpoint, one wait) | {results['transitions']} | - |",
        "",
    ]
    return "\n".join(lines)


def with_table(text: str, results: dict[str, Any]) -> str:
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n{table(results)}{END}{tail}"


def write_results_page(results: dict[str, Any]) -> None:
    RESULTS_PAGE.write_text(with_table(RESULTS_PAGE.read_text(), results))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,50,100,200", help="catalog sizes N (default: 1,10,50,100,200)")
    parser.add_argument("--repeats", type=int, default=2, help="interleaved runs per size (best is kept)")
    parser.add_argument("--validate-count", type=int, default=1000)
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite the table in docs/benchmark.md")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="sagestack-bench-") as tmp:
        work = Path(tmp)
        log("validation ...")
        validate = bench_validate(args.validate_count, work)
        log(f"validate {validate['count']}: {validate['cli_seconds']:.2f} s")
        log("synth ...")
        synth = bench_synth(sizes, work, args.repeats)
        log("selective synth ...")
        selective = bench_selective(work, max(sizes), args.repeats)
        log(f"selective: {selective['ratio']:.2f}x")
    results = {"date": dt.date.today().isoformat(), "machine": machine(), "repeats": args.repeats, "synth": synth, "validate": validate, "selective": selective, "transitions": bench_transitions()}
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    if not args.no_docs:
        write_results_page(results)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
