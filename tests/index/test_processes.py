"""index.processes: a forked child never outlives the process that forked it.

Real forks, real signals: the orphan a missed window would leave is exactly what kept the
build lock held after `kill -9` of the indexer.
"""
from __future__ import annotations

import os
import signal
import time

from index.processes import die_with_parent


def _exit_status(pid: int, timeout: float = 5.0) -> int | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def test_a_child_whose_parent_is_already_gone_exits_at_once():
    """The window between fork and arming the signal: the expected parent is not ours."""
    pid = os.fork()
    if pid == 0:
        die_with_parent(os.getppid() + 1_000_000)  # a pid that is not our parent
        os._exit(0)  # reached only if the check failed to notice
    assert _exit_status(pid) == 1


def test_a_child_of_a_live_parent_keeps_running():
    pid = os.fork()
    if pid == 0:
        die_with_parent(os.getppid())
        os._exit(7)
    assert _exit_status(pid) == 7


def test_the_grandchild_dies_when_its_parent_is_killed(tmp_path):
    """Parent forks a grandchild that arms the signal and sleeps; SIGKILL the parent."""
    grandchild_file = tmp_path / "grandchild"
    middle = os.fork()
    if middle == 0:
        parent = os.getpid()
        grandchild = os.fork()
        if grandchild == 0:
            die_with_parent(parent)
            grandchild_file.write_text(str(os.getpid()))
            time.sleep(60)
            os._exit(0)
        time.sleep(60)
        os._exit(0)
    deadline = time.monotonic() + 5
    while not grandchild_file.exists() or not grandchild_file.read_text():
        assert time.monotonic() < deadline, "the grandchild never started"
        time.sleep(0.01)
    grandchild_pid = int(grandchild_file.read_text())
    os.kill(middle, signal.SIGKILL)
    os.waitpid(middle, 0)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(grandchild_pid, 0)
        except ProcessLookupError:
            return
        # A reaped orphan vanishes; an unreaped one is a zombie, which is dead too.
        try:
            with open(f"/proc/{grandchild_pid}/stat", encoding="ascii") as stat:
                if stat.read().split(")")[-1].split()[0] == "Z":
                    return
        except FileNotFoundError:
            return
        time.sleep(0.02)
    os.kill(grandchild_pid, signal.SIGKILL)
    raise AssertionError("the grandchild outlived its killed parent")
