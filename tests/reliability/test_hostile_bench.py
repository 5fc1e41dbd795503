"""The short version of benchmarks/bench_hostile.py: the real server under a 5-second attack of hostile requests.

Asserts what must hold however fast the machine is (no timings): every hostile request is
answered with 200, 400 or 503 (never a 500, a hang or a dropped connection), the normal
client beside the attack gets every answer, and the 1 GiB body is refused with 413.
"""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO_ROOT


def test_short_hostile_run_keeps_serving_everyone(sample_index):
    finished = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "bench_hostile.py"), "--quick", "--index", str(sample_index)],
        capture_output=True, text=True, timeout=300, cwd=REPO_ROOT,
    )
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    assert "answered **413**" in finished.stdout
    assert "failures **0** in all runs" in finished.stdout
    assert "Traceback" not in finished.stderr
