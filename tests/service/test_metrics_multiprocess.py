"""Prometheus multiprocess mode: counts from several processes add up in one folder, and preparing the
folder removes only the files of processes that are gone."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, multiprocess

COUNTING = textwrap.dedent(
    """
    import sys
    from service.metrics import Metrics

    metrics = Metrics()  # PROMETHEUS_MULTIPROC_DIR is set: the values go to files
    assert metrics.multiprocess
    for _ in range(int(sys.argv[1])):
        metrics.observe_request("POST", "/api/v1/score", 200, 0.01)
    metrics.model_info.labels("v1").set(1)
    print("counted", flush=True)
    if sys.argv[2] == "stay":
        sys.stdin.read()  # alive until the test closes our stdin
    """
)


def _run(folder: Path, n: int, stay: bool = False) -> subprocess.Popen[str]:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    process = subprocess.Popen(
        [sys.executable, "-c", COUNTING, str(n), "stay" if stay else "exit"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "counted\n"
    return process


def _requests(folder: Path) -> float:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(folder))
    text = generate_latest(registry).decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith("screener_http_requests_total{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_counts_of_several_processes_add_up_and_dead_ones_are_cleared_at_start(tmp_path: Path) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    for n in (3, 4):
        _run(folder, n).communicate(timeout=60)
    alive = _run(folder, 5, stay=True)
    try:
        assert _requests(folder) == 12  # 3 + 4 + 5, from three processes
        # A new start clears what the two finished processes left, and keeps the live one's.
        prepare = "from service.metrics import prepare_multiprocess; prepare_multiprocess(None)"
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
        subprocess.run([sys.executable, "-c", prepare], env=env, check=True, timeout=60)
        assert _requests(folder) == 5
        assert all(str(alive.pid) in path.name for path in folder.glob("*.db"))
    finally:
        assert alive.stdin is not None
        alive.communicate(timeout=60)


def test_the_setting_turns_the_mode_on_and_creates_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "made" / "here"
    code = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from service.metrics import Metrics, prepare_multiprocess
        assert prepare_multiprocess(Path({str(folder)!r})) == Path({str(folder)!r})
        assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == {str(folder)!r}
        metrics = Metrics()
        metrics.observe_request("GET", "/healthz", 200, 0.001)
        print(metrics.exposition_registry() is not metrics.registry)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "True"
    assert _requests(folder) == 1


def test_without_a_folder_each_app_keeps_its_own_registry() -> None:
    from service.metrics import Metrics

    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    first, second = Metrics(), Metrics()
    first.observe_request("GET", "/healthz", 200, 0.001)
    assert first.exposition_registry() is first.registry
    assert b'route="/healthz"' not in generate_latest(second.exposition_registry())
