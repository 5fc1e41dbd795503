"""Child processes that cannot outlive their parent.

Both the indexer's processes (workers and parsers) and the server's workers are forked
children. If the parent is killed (SIGKILL runs no cleanup), orphaned children would keep
the build lock or the listening socket for ever.
"""
from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1  # prctl(2) option: signal this process when its parent dies


def die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this process when `parent` (the forking process's pid) dies.

    The signal is armed only once this runs in the child, so a parent killed between the
    fork and here would go unnoticed and the child would live on as an orphan, holding
    every descriptor it inherited (the build lock among them). Checking the parent after
    arming closes that window: if it is already gone, exit at once. Linux only; elsewhere
    the check still runs and callers also poll for a dead parent.
    """
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)
