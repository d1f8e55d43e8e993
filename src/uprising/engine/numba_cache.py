"""Numba's cache in a directory keyed by the sources of the compiled code.

Numba caches a function compiled with ``cache=True`` under the name of the file that
defines it, and checks only that file's time stamp before reusing the machine code.
A function that inlines a function of another module (`kernels.populate` inlines
`rng.below`; the Belarus pass inlines `kernels.grievance`), or that froze a global of
another module (the integer codes of `config`), then runs the old code after that other
module is edited: a documented limitation of Numba's cache ("Notes on Caching" in its
documentation: "changes in other files" are not tracked).

`configure` (called by `uprising.engine` before any kernel is defined) points Numba's
cache at ``<base>/uprising-<digest>``, the digest a hash of every module of the package
that defines compiled code (it imports ``njit``, ``prange`` or another compiler entry
point of Numba) and of every module of the package that those import, transitively. Any
edit to one of them opens a fresh directory, so no compiled code outlives its sources.
The base is ``$NUMBA_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/uprising/numba`` (by
default ``~/.cache/uprising/numba``); old directories are left for the user to delete.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path

PACKAGE = "uprising"
# Numba's entry points that compile a function (a module importing one holds compiled code)
COMPILERS = frozenset(
    {"njit", "jit", "prange", "vectorize", "guvectorize", "cfunc", "stencil", "intrinsic"}
)
_PREFIX = "uprising-"


def _module_file(root: Path, dotted: str) -> Path | None:
    """The source file of module ``dotted`` of the package rooted at ``root``, if any."""
    parts = dotted.split(".")
    if parts[0] != PACKAGE:
        return None
    base = root.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


# import statements, read from the text (a docstring's example can only add modules)
_FROM = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n]+)", re.M)
_NUMBA_ATTRIBUTE = re.compile(r"\bnumba\.(\w+)")


def _names(clause: str) -> list[str]:
    """The imported names of an import clause (``a as b, c`` or ``(a, b)``)."""
    clause = re.sub(r"#[^\n]*", "", clause).strip("()")
    return [part.split()[0] for part in clause.split(",") if part.strip()]


def _imports(text: str) -> tuple[set[str], bool]:
    """The package's modules that ``text`` imports, and whether it uses a Numba compiler.

    A plain scan of the import statements (fast enough to run at every start): it may
    find more than the module imports (an example in a docstring), never less.
    """
    modules: set[str] = set()
    compiles = any(name in COMPILERS for name in _NUMBA_ATTRIBUTE.findall(text))
    for module, clause in _FROM.findall(text):
        names = _names(clause)
        modules.add(module)
        # `from uprising.engine import kernels`: the names may be submodules
        modules.update(f"{module}.{name}" for name in names)
        if module.split(".")[0] == "numba":
            compiles |= module.startswith("numba.extending") or any(
                name in COMPILERS for name in names
            )
    for clause in _IMPORT.findall(text):
        modules.update(_names(clause))
    return {m for m in modules if m.split(".")[0] == PACKAGE}, compiles


def source_files(root: Path) -> list[Path]:
    """The package's modules whose text compiled code depends on, sorted.

    Args:
        root: the package's directory (the one holding its ``__init__.py``).
    """
    parsed: dict[Path, tuple[set[str], bool]] = {}
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "numba" in text:
            parsed[path] = _imports(text)
    todo = [path for path, (_, compiles) in parsed.items() if compiles]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        if path not in parsed:
            parsed[path] = _imports(path.read_text(encoding="utf-8"))
        for dotted in parsed[path][0]:
            found = _module_file(root, dotted)
            if found is not None and found not in seen:
                todo.append(found)
    return sorted(seen)


def source_digest(root: Path) -> str:
    """A hash of the relative paths and contents of `source_files` (16 hex digits)."""
    digest = hashlib.sha256()
    for path in source_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cache_dir(root: Path) -> Path:
    """The cache directory for the package's sources at ``root`` (see the module's text)."""
    key = _PREFIX + source_digest(root)
    given = os.environ.get("NUMBA_CACHE_DIR")
    if given and Path(given).name == key:  # set by `configure` in a parent process
        return Path(given)
    if given:
        return Path(given) / key
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / PACKAGE / "numba" / key


def configure() -> Path:
    """Point Numba's cache at `cache_dir` of this package; returns the directory.

    Sets ``NUMBA_CACHE_DIR`` (Numba reads it when it is imported, and rereads the
    environment before it compiles; worker processes inherit it) and, when Numba is
    already imported, ``numba.config.CACHE_DIR``. Falls back to the temporary directory
    when the directory cannot be created.
    """
    root = Path(__file__).resolve().parent.parent
    path = cache_dir(root)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        path = Path(tempfile.gettempdir()) / f"{PACKAGE}-numba-{os.getuid()}" / path.name
        path.mkdir(parents=True, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = str(path)
    numba = sys.modules.get("numba")
    if numba is not None:
        numba.config.CACHE_DIR = str(path)
    return path


__all__ = ["cache_dir", "configure", "source_digest", "source_files"]
