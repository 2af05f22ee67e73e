"""Record what the real SageMaker Python SDK sends for every fidelity configuration.

    make record-fixtures        # or: .venv/bin/python scripts/record_fixtures.py

Drives the SDK with AWS intercepted (tests/fidelity/recorder.py: SageMaker calls faked, S3/STS in
moto, no network), normalizes the run-time values sagestack deliberately renders differently
(tests/fidelity/normalize.py) and writes tests/fidelity/fixtures/<config>.json. The output is
byte-identical from run to run; `make test` compares our renderers with these files.
"""

from __future__ import annotations

import json
import logging
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fidelity.configs import CONFIGS  # noqa: E402
from tests.fidelity.configs_v1 import V1_CONFIGS  # noqa: E402
from tests.fidelity.normalize import sdk_requests  # noqa: E402
from tests.fidelity.recorder import recording  # noqa: E402

FIXTURES = ROOT / "tests" / "fidelity" / "fixtures"
CODE = ROOT / "tests" / "fidelity" / "code"


def record(name: str, config: dict, calls: list, session: object) -> dict:
    requests = sdk_requests(config, calls, session, CODE)
    return {"sdk": f"sagemaker {metadata.version('sagemaker')}", "config": name, "requests": requests}


def main(args: list[str]) -> int:
    """Records SDK v2 configurations; with --v1 (run by the SDK v1 venv), the v1 ones."""
    logging.disable(logging.WARNING)
    v1 = "--v1" in args
    names = [a for a in args if not a.startswith("--")]
    configs = V1_CONFIGS if v1 else CONFIGS
    expected_major = "1" if v1 else "2"
    if metadata.version("sagemaker").split(".")[0] != expected_major:
        print(f"this interpreter has sagemaker {metadata.version('sagemaker')}; these fixtures need SDK v{expected_major}", file=sys.stderr)
        return 2
    out_dir = FIXTURES / "v1" if v1 else FIXTURES
    out_dir.mkdir(parents=True, exist_ok=True)
    names = names or sorted(configs)
    with recording() as (calls, session):
        for index, name in enumerate(names, 1):
            fixture = record(name, configs[name], calls, session)
            (out_dir / f"{name}.json").write_text(json.dumps(fixture, indent=1, sort_keys=True) + "\n")
            print(f"[{index}/{len(names)}] {name}: {', '.join(fixture['requests'])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
