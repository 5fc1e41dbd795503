"""Child processes that cannot outlive their parent.

Both the indexer's workers and the server's workers are forked children. If the parent
is killed (SIGKILL runs no cleanup), orphaned children would keep the build lock or the
listening socket for ever.
"""
from __future__ import annotations

import ctypes
import signal

PR_SET_PDEATHSIG = 1  # prctl(2) option: signal this process when its parent dies


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux; a no-op elsewhere,
    where callers also poll for a dead parent)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
