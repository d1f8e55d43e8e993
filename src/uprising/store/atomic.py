"""Atomic file writes: a reader sees the old file or the whole new one, never a part.

Every output of the project (a run's series and summary, an ensemble worker's shard and
record, a report and its figures) is written through `atomic_write`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any


def atomic_write(path: Path, write: Callable[[Path], Any]) -> None:
    """Write ``path`` through a temporary file in the same folder, then rename it.

    Args:
        path: The file to write.
        write: Called with the temporary path; writes the whole content there.

    The temporary name starts with a dot (readers that scan a folder skip it) and is
    unique per writer, so two processes writing the same file (a cluster re-running a
    lost task) never write into each other's temporary file. It is removed on failure.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
