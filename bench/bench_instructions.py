"""Benchmark: instructions per ad and per request, counted by callgrind, which a busy machine does not move.

Wall-clock and CPU figures on the shared 2-core machine move by 10–30 % between sittings (see
docs/performance.md); instruction counts move by well under 1 %. This runs, under
``valgrind --tool=callgrind`` with ``PYTHONHASHSEED=0``:

- ``bench_assemble.py --callgrind N --with-detect``: a whole ``assess_many`` from the raw text, in
  batches of 256 (``assess_instructions_per_ad``);
- ``bench_assemble.py --callgrind N``: the part after ``detect()`` (``after_detect_instructions_per_ad``);
- ``bench_request_overhead.py --callgrind R``: the service's own work per ``POST /api/v1/score``,
  assessments computed beforehand (``request_instructions``).

``--base CHECKOUT`` counts the same for another checkout (this tree's bench scripts, the other's
library on ``PYTHONPATH``) and adds ``*_ratio`` fields, base over this tree (above 1: this tree is
cheaper). Needs ``valgrind`` (Debian package ``valgrind``). Takes several minutes. The last line is
``key=value`` pairs.

    python bench/bench_instructions.py [--ads 1024] [--requests 300] [--base OTHER_CHECKOUT]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
HERE = BENCH.parent
_COLLECTED = re.compile(r"Collected : (\d+)")


def count(checkout: Path, script: str, *args: str) -> int:
    """Instructions callgrind collects while ``script`` (in this tree's bench/) instruments itself,
    with ``checkout`` first on the import path; run from a scratch directory so nothing else is."""
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no",
            f"--callgrind-out-file={Path(scratch) / 'callgrind.out'}",
            sys.executable, str(BENCH / script), *args,
        ]  # fmt: skip
        environment = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(checkout)}
        done = subprocess.run(
            command, cwd=scratch, env=environment, capture_output=True, text=True, check=False
        )
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{script} under callgrind failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(found[1])


def figures(checkout: Path, ads: int, requests: int) -> dict[str, float]:
    """The three counts of ``checkout``, per ad or per request."""
    whole = count(checkout, "bench_assemble.py", "--callgrind", str(ads), "--with-detect")
    after_detect = count(checkout, "bench_assemble.py", "--callgrind", str(ads))
    request = count(checkout, "bench_request_overhead.py", "--callgrind", str(requests))
    return {
        "assess_instructions_per_ad": whole / ads,
        "after_detect_instructions_per_ad": after_detect / ads,
        "request_instructions": request / requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ads", type=int, default=1024)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--base", type=Path, help="another checkout to count the same way")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt install valgrind)")
    if args.ads < 1 or args.requests < 1:
        raise SystemExit("--ads and --requests must be at least 1")

    here = figures(HERE, args.ads, args.requests)
    fields = {key: f"{value:.0f}" for key, value in here.items()}
    if args.base is not None:
        base = figures(args.base.resolve(), args.ads, args.requests)
        for key, value in base.items():
            print(f"{key}: base {value:,.0f}, this tree {here[key]:,.0f}")
            fields[key.replace("instructions", "ratio").replace("_per_ad", "")] = f"{value / here[key]:.3f}"
    for key, value in here.items():
        print(f"{key}: {value:,.0f}")
    print(" ".join(f"{key}={value}" for key, value in fields.items()))


if __name__ == "__main__":
    main()
