"""Count the jsii requests (round trips between Python and the CDK's Node process) an app makes, by
request kind and by call site.

    .venv/bin/python bench/jsii_requests.py <catalog dir> [--handwritten] [--nag] [--top 40]

``<catalog dir>`` is a directory ``bench/run.py`` generated (or ``infra/models``); without
``--handwritten`` it runs the sagestack app (``app.py``) on it, with it the hand-written baseline.
A call site is the innermost frame in this repository's code outside jsii and aws_cdk (for the
hand-written app, its own lines). Synthesis runs into a temporary directory; nothing reaches AWS.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import runpy
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = (str(ROOT / "constructs"), str(ROOT / "infra"), str(ROOT / "bench" / "handwritten_app.py"))


def call_site() -> str:
    for frame in reversed(traceback.extract_stack()[:-2]):
        if frame.filename.startswith(OURS):
            return f"{Path(frame.filename).relative_to(ROOT)}:{frame.lineno} {frame.name}"
    return "(outside)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("catalog", type=Path)
    parser.add_argument("--handwritten", action="store_true")
    parser.add_argument("--nag", action="store_true", help="run cdk-nag too (sagestack app)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--by-count", action="store_true", help="order call sites by requests, not time")
    args = parser.parse_args()

    from jsii._kernel.providers import process

    kinds: collections.Counter[str] = collections.Counter()
    sites: collections.Counter[str] = collections.Counter()
    spent: collections.Counter[str] = collections.Counter()
    original = process._NodeProcess.send

    def send(self, request, response_type):  # type: ignore[no-untyped-def]
        kind = type(request).__name__.removesuffix("Request")
        site = f"{kind:9} {call_site()}"
        kinds[kind] += 1
        sites[site] += 1
        begin = time.perf_counter()
        try:
            return original(self, request, response_type)
        finally:
            spent[site] += time.perf_counter() - begin

    process._NodeProcess.send = send  # type: ignore[method-assign]
    out = tempfile.mkdtemp(prefix="sagestack-jsii-")
    os.environ["CDK_OUTDIR"] = out
    catalog = args.catalog.resolve()
    models = len(json.loads((catalog / "manifest.json").read_text())) if (catalog / "manifest.json").exists() else None
    start = time.perf_counter()
    if args.handwritten:
        sys.argv = ["handwritten_app.py", str(catalog)]
        runpy.run_path(str(ROOT / "bench" / "handwritten_app.py"), run_name="__main__")
    else:
        os.environ["CDK_CONTEXT_JSON"] = json.dumps({"sagestack:catalog": str(catalog), "sagestack:nag": "true" if args.nag else "false"})
        sys.path.insert(0, str(ROOT))
        from infra.app import main as app_main

        app_main()
    seconds = time.perf_counter() - start
    total = sum(kinds.values())
    per = f" ({total / models:.1f} per model over {models} models)" if models else ""
    print(f"{total} jsii requests in {seconds:.1f} s{per}")
    print("by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    print(f"time in requests: {sum(spent.values()):.1f} s; by call site (requests, seconds):")
    for site, seconds_in in (((k, spent[k]) for k, _ in sites.most_common(args.top)) if args.by_count else spent.most_common(args.top)):
        print(f"{sites[site]:7} {seconds_in:6.2f} s  {site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
