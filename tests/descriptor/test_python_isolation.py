"""Python descriptors run in processes of their own: whatever one does — exit, print, loop, leak
threads or processes, patch sagestack, rewrite other files — comes back as that file's one
problem at its line, and every other file's result is what it would be alone.

Each hostile snippet is checked the same way, through the real ``sagestack validate`` command,
beside a YAML file with a known error and a valid Python descriptor: the run ends, exits 1,
prints valid JSON, reports the neighbours exactly as they are reported alone, and reports the
hostile file once, at the line that misbehaved.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sagestack.descriptor.loader import load_catalog, load_descriptor
from sagestack.descriptor.python_eval import PythonLimits

VALID = '''
descriptor = {
    "name": "neighbour-py",
    "model": {"type": "Model", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1", "model_data": "s3://sagestack-test/m.tar.gz"},
    "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large"},
}
'''
BROKEN_YAML = """name: neighbour-yaml
model:
  type: Model
  image_uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1
deploy:
  initial_instance_count: 0
  instance_type: ml.m5.large
"""
SERVE = '{"name": "hostile", "model": {"type": "Model", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1"}, "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large"}}'

# (id, source, the line the problem must be reported at, words the message must contain)
HOSTILE = [
    ("os-exit-0", "import os\nos._exit(0)\ndescriptor = " + SERVE, 2, "ended its process"),
    ("sys-exit", "import sys\n\nsys.exit(0)\ndescriptor = " + SERVE, 3, "called exit(0)"),
    ("atexit", "import atexit, os\natexit.register(lambda: os._exit(3))\ndescriptor = " + SERVE + "\nraise RuntimeError('late')", 4, "RuntimeError"),
    ("print", "descriptor = " + SERVE + "\nprint(':rocket: {\"ok\": true}')", 2, "must not print"),
    ("stderr", "import sys\ndescriptor = " + SERVE + "\nsys.stderr.write('noise')", 3, "must not print"),
    ("fd-write", "import os\ndescriptor = " + SERVE + "\nos.write(1, b'raw bytes on fd 1')", 3, "must not print"),
    ("loop", "descriptor = " + SERVE + "\nwhile True:\n    pass", (2, 3), "did not finish"),  # the loop's lines
    ("sleep", "import time\ndescriptor = " + SERVE + "\ntime.sleep(60)", 3, "did not finish"),
    ("memory", "descriptor = " + SERVE + "\nblob = bytearray(4 * 1024 ** 3)", 2, "MemoryError"),
    ("signal", "import os, signal\ndescriptor = " + SERVE + "\nos.kill(os.getpid(), signal.SIGSEGV)", 3, "signal SIGSEGV"),
    ("clears-rules", "from sagestack.descriptor import rules\nrules.RULES.clear()\nimport sagestack.descriptor.base as b\nb.NOT_SUPPORTED.clear()\ndescriptor = " + SERVE + "\nraise ValueError('x')", 6, "ValueError"),
    ("not-data", "descriptor = {'name': 'hostile', 'tags': {1, 2}}", 1, "holds a value of type set"),
    ("self-reference", "descriptor = {'name': 'hostile'}\ndescriptor['model'] = descriptor", 1, "contains itself"),
    ("no-descriptor-value", "import os\ndescriptor: dict\nX = 1", 1, "must assign 'descriptor'"),
]

LIMITS = PythonLimits(timeout_seconds=4, memory_mb=1024, cpu_seconds=10, output_mb=4)


def _catalog(tmp_path: Path, hostile: str) -> Path:
    catalog = tmp_path / "models"
    catalog.mkdir()
    (catalog / "a-neighbour.yaml").write_text(BROKEN_YAML)
    (catalog / "hostile.py").write_text(hostile)
    (catalog / "z-neighbour.py").write_text(VALID)
    return catalog


def _alone(tmp_path: Path) -> list[dict[str, object]]:
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "a-neighbour.yaml").write_text(BROKEN_YAML)
    (alone / "z-neighbour.py").write_text(VALID)
    return [{**i.as_dict(), "file": Path(i.file).name} for i in load_catalog([alone]).issues]


@pytest.mark.parametrize(("source", "line", "words"), [pytest.param(s, n, w, id=i) for i, s, n, w in HOSTILE])
def test_a_hostile_descriptor_is_one_problem_of_its_own_file(tmp_path: Path, source: str, line: int | tuple[int, ...], words: str) -> None:
    catalog = _catalog(tmp_path, source)
    result = load_catalog([catalog], python_limits=LIMITS)
    by_file: dict[str, list[dict[str, object]]] = {}
    for issue in result.issues:
        by_file.setdefault(Path(issue.file).name, []).append({**issue.as_dict(), "file": Path(issue.file).name})
    hostile = by_file.pop("hostile.py", [])
    assert [i for i in hostile if i["severity"] == "error"], result.issues
    lines = line if isinstance(line, tuple) else (line,)
    assert any(i["line"] in lines and words in str(i["message"]) for i in hostile), hostile
    neighbours = sorted((i for issues in by_file.values() for i in issues), key=lambda i: (str(i["file"]), int(i["line"])))  # type: ignore[call-overload]
    assert neighbours == sorted(_alone(tmp_path), key=lambda i: (str(i["file"]), int(i["line"])))  # type: ignore[call-overload]
    assert [r.descriptor.name for r in result.results if r.descriptor is not None] == ["neighbour-py"]


def test_through_the_command_output_and_exit_code_stay_sagestacks(tmp_path: Path) -> None:
    """Every hostile kind at once, through the real command with its default limits for all but time."""
    catalog = tmp_path / "models"
    catalog.mkdir()
    (catalog / "a-neighbour.yaml").write_text(BROKEN_YAML)
    (catalog / "z-neighbour.py").write_text(VALID)
    quick = [(i, s) for i, s, _n, _w in HOSTILE if i not in ("loop", "sleep", "memory")]
    for ident, source in quick:
        (catalog / f"h-{ident}.py").write_text(source)
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "sagestack.cli", "validate", "--format", "json", "--no-environments", str(catalog)], capture_output=True, text=True, env=env, timeout=240)
    assert proc.returncode == 1, proc.stderr
    payload = json.loads(proc.stdout)  # no print() of any descriptor reached the output
    files = {Path(f["file"]).name: f["valid"] for f in payload["files"]}
    assert files.pop("z-neighbour.py") is True and files.pop("a-neighbour.yaml") is False
    assert set(files) == {f"h-{i}.py" for i, _s in quick} and not any(files.values())
    assert any(i["path"] == "deploy.initial_instance_count" and Path(i["file"]).name == "a-neighbour.yaml" for i in payload["issues"])


def test_the_time_limit_counts_from_the_descriptors_first_line(tmp_path: Path) -> None:
    """A busy machine's slow interpreter start is not the descriptor's time; a start that never
    comes is still stopped, and said as such."""
    path = tmp_path / "slow-start.py"
    path.write_text("descriptor = {}\n")
    result = load_descriptor(path, python_limits=PythonLimits(timeout_seconds=3, startup_seconds=0.001))
    assert "did not start within 0.001 s" in result.issues[0].message
    assert result.issues[0].line is None or result.issues[0].line <= 1


def test_processes_a_descriptor_starts_are_stopped_with_it(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    source = textwrap.dedent(
        f"""
        import subprocess, time
        child = subprocess.Popen(["sleep", "120"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(60)
        descriptor = {{}}
        """
    )
    path = tmp_path / "spawner.py"
    path.write_text(source)
    result = load_descriptor(path, python_limits=PythonLimits(timeout_seconds=3))
    assert "did not finish" in result.issues[0].message
    pid = int(pid_file.read_text())
    for _ in range(50):  # the kill is asynchronous; give it a moment
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"process {pid} started by the descriptor outlived it")


def test_a_thread_left_running_does_not_hold_the_run(tmp_path: Path) -> None:
    path = tmp_path / "threads.py"
    path.write_text("import threading, time\nthreading.Thread(target=time.sleep, args=(120,)).start()\ndescriptor = " + SERVE + "\n")
    started = time.monotonic()
    result = load_descriptor(path)
    assert result.descriptor is not None and result.descriptor.name == "hostile", result.issues
    assert time.monotonic() - started < 60


def test_a_descriptor_cannot_change_what_another_file_says(tmp_path: Path) -> None:
    """Every source is read before any Python descriptor runs: rewriting a neighbour changes
    nothing in this run."""
    catalog = tmp_path / "models"
    catalog.mkdir()
    (catalog / "a-neighbour.yaml").write_text(BROKEN_YAML)
    (catalog / "z-neighbour.py").write_text(VALID)
    writer = f"""
import pathlib
pathlib.Path({str(catalog / 'a-neighbour.yaml')!r}).write_text("name: rewritten\\n")
pathlib.Path({str(catalog / 'z-neighbour.py')!r}).write_text("descriptor = 1\\n")
descriptor = {SERVE}
"""
    (catalog / "m-writer.py").write_text(writer)
    result = load_catalog([catalog])
    names = {Path(r.file).name: r for r in result.results}
    assert names["z-neighbour.py"].descriptor is not None
    assert any(i.path == "deploy.initial_instance_count" for i in names["a-neighbour.yaml"].issues)


def test_the_parent_keeps_its_rules(tmp_path: Path) -> None:
    from sagestack.descriptor import rules

    before = len(rules.RULES)
    path = tmp_path / "clear.py"
    path.write_text("from sagestack.descriptor import rules\nrules.RULES.clear()\ndescriptor = " + SERVE + "\n")
    load_descriptor(path)
    assert len(rules.RULES) == before > 0


def test_values_come_back_as_yaml_would_give_them(tmp_path: Path) -> None:
    path = tmp_path / "values.py"
    path.write_text(
        "import datetime\n"
        "descriptor = {'name': 'values', 'estimator': {'type': 'Estimator', 'image_uri': '123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1',"
        " 'instance_type': 'ml.m5.large', 'instance_count': 1, 'hyperparameters': {'day': datetime.date(2026, 12, 2), 'sizes': (1, 2), 3: 'three'}},"
        " 'fit': {'inputs': 's3://sagestack-test/x'}}\n"
    )
    from sagestack.descriptor.python_eval import evaluate_python

    outcome = evaluate_python(path, path.read_text())
    import datetime

    assert outcome.data is not None
    assert outcome.data["estimator"]["hyperparameters"] == {"day": datetime.date(2026, 12, 2), "sizes": [1, 2], 3: "three"}
