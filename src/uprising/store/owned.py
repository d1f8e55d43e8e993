"""A folder of generated files that shares its space with the user's own files.

    write_owned_files(folder, {"01_survival.png": png, ...})

The files are written atomically, and the names written are kept in a manifest
(``.uprising-files.json``) in the folder. A later call removes only the files that the
manifest lists and the new set lacks: a file the user put there, whatever its name, is
never touched.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from uprising.store.atomic import atomic_write

__all__ = ["MANIFEST", "write_owned_files"]

MANIFEST = ".uprising-files.json"


def write_owned_files(folder: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (name -> bytes) into ``folder``; remove the ones it wrote before.

    Args:
        folder: The folder (created if absent).
        files: Plain file names (no folders) and their contents.

    Raises:
        ValueError: A name is not a plain file name.
        OSError: The folder or a file cannot be written.
    """
    for name in files:
        if not name or Path(name).name != name or name in (".", "..", MANIFEST):
            raise ValueError(f"not a plain file name: {name!r}")
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / MANIFEST
    for name in sorted(_listed(manifest) - set(files)):
        (folder / name).unlink(missing_ok=True)
    for name, content in files.items():
        atomic_write(folder / name, lambda tmp, data=content: tmp.write_bytes(data))
    text = json.dumps(sorted(files), indent=1) + "\n"
    atomic_write(manifest, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _listed(manifest: Path) -> set[str]:
    """The plain file names a manifest lists (none when it is absent or unreadable)."""
    try:
        names = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(names, list):
        return set()
    return {n for n in names if isinstance(n, str) and n and Path(n).name == n and n != MANIFEST}
