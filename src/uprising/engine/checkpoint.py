"""The whole state of a run, saved at a tick and restored to continue it bit for bit.

    save_checkpoint(model, "out/b2020/checkpoint.pkl", key=run_key)
    model = load_checkpoint("out/b2020/checkpoint.pkl", key=run_key)
    model.run()                       # the same days, bit for bit, as an uninterrupted run

A checkpoint is the run object itself, every attribute of it reached from the top
(lattice, jail store with the terms left, identities, the regime layer, driver paths,
windows and tallies, the record so far, random stream keys and counters) written with
`pickle`. Nothing is listed by hand, so state that a model or the engine gains later is
captured without a change here; `state_fingerprint` walks the same attributes, and the
tests compare it between a restored run and the original.

Arrays that are views of another array (the packed 64-bit words of the engine's
fields, a region map cut from a layout) are written as views of their base, so that a
restored run shares memory where the original did: a compiled pass that updates the
words updates the counts seen.

A checkpoint belongs to the code that wrote it: its header holds a digest of the
package's sources and, optionally, a key naming the run (scenario, seed, scale,
length); `load_checkpoint` refuses a file written by other code or for another run.
Checkpoints are files a user wrote; like any pickle, one from an untrusted source must
not be loaded.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import pickle
from collections import deque
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

from uprising.errors import EnvironmentFailure, UprisingError

__all__ = [
    "CheckpointError",
    "code_digest",
    "load_checkpoint",
    "save_checkpoint",
    "state_fingerprint",
]

_MAGIC = b"uprising-checkpoint\n"
_FORMAT = 1


class CheckpointError(UprisingError):
    """A checkpoint that cannot be read, or that belongs to other code or another run."""


@functools.cache
def code_digest() -> str:
    """SHA-256 of the package's Python sources (paths and contents), hex."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def _view(base: np.ndarray, offset: int, dtype: np.dtype, shape: tuple, strides: tuple):
    """Rebuild a view of ``base`` (the inverse of `_Pickler.reducer_override`)."""
    return np.ndarray(shape, dtype=dtype, buffer=base, offset=offset, strides=strides)


class _Pickler(pickle.Pickler):
    """A pickler that writes a numpy view as a view of its owning array."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is np.ndarray and isinstance(obj.base, np.ndarray):
            root = obj.base
            while isinstance(root.base, np.ndarray):
                root = root.base
            if root.flags.c_contiguous:
                start = obj.__array_interface__["data"][0]
                offset = start - root.__array_interface__["data"][0]
                return _view, (root, offset, obj.dtype, obj.shape, obj.strides)
        return NotImplemented


def save_checkpoint(run: Any, path: str | os.PathLike[str], *, key: str = "") -> Path:
    """Write the whole state of ``run`` to ``path``, atomically.

    Args:
        run: the run object (a `BelarusModel`, a `Simulation`, a family's runner).
        path: the file to write (its folder is created); a file there is replaced only
            once the new one is complete, so a kill leaves the previous checkpoint.
        key: a text naming the run, checked by `load_checkpoint`.

    Returns:
        The path written.

    Raises:
        EnvironmentFailure: The file cannot be written (a full disk, no permission).
    """
    path = Path(path)
    buf = io.BytesIO()
    buf.write(_MAGIC)
    pickle.dump({"format": _FORMAT, "code": code_digest(), "key": key}, buf)
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(run)
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(buf.getbuffer())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise EnvironmentFailure(f"cannot write checkpoint {path}: {exc.strerror or exc}") from exc
    return path


def load_checkpoint(path: str | os.PathLike[str], *, key: str | None = None) -> Any:
    """Read a run saved by `save_checkpoint`.

    Args:
        path: the checkpoint file.
        key: the run key it must have been saved with (None: any).

    Raises:
        CheckpointError: unreadable, not a checkpoint, damaged, an unknown format,
            written by other code, or saved for another run.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            if f.read(len(_MAGIC)) != _MAGIC:
                raise CheckpointError(f"{path}: not an uprising checkpoint")
            header = pickle.load(f)
            if header.get("format") != _FORMAT:
                raise CheckpointError(
                    f"{path}: checkpoint format {header.get('format')!r}; this version "
                    f"reads format {_FORMAT}"
                )
            if header.get("code") != code_digest():
                raise CheckpointError(
                    f"{path}: written by other code (sources changed since); "
                    "delete it to start the run afresh"
                )
            if key is not None and header.get("key") != key:
                raise CheckpointError(
                    f"{path}: saved for another run ({header.get('key')!r}, not {key!r})"
                )
            return pickle.load(f)
    except CheckpointError:
        raise
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except Exception as exc:  # whatever a truncated or altered pickle raises
        raise CheckpointError(f"{path}: damaged checkpoint ({type(exc).__name__})") from exc


def state_fingerprint(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every piece of state reachable from ``obj``, path -> a digest of its value.

    Attributes, mapping entries and sequence items are followed (each object once);
    arrays are digested with their dtype and shape, scalars by their ``repr``. Two runs
    in the same state have equal fingerprints; a value that differs, or a path that one
    has and the other lacks, names the state that was not carried over.

    Args:
        obj: the run object; its path is ``run`` (``run.sim.jail.time``, ...).
        skip: paths left out with everything below them: scratch that is not state,
            e.g. buffers made with ``numpy.empty`` each tick, whose unused entries are
            whatever the memory held.
    """
    out: dict[str, str] = {}
    _walk(obj, "run", set(), out)
    return {p: v for p, v in out.items() if not any(p == s or p.startswith(s + ".") for s in skip)}


def _walk(obj: Any, path: str, seen: set[int], out: dict[str, str]) -> None:
    if isinstance(obj, np.ndarray):
        h = hashlib.sha256(np.ascontiguousarray(obj).tobytes())
        out[path] = f"{obj.dtype}{obj.shape}:{h.hexdigest()}"
        return
    if obj is None or isinstance(obj, bool | int | float | complex | str | bytes | np.generic):
        out[path] = repr(obj)
        return
    if isinstance(obj, Enum | type) or (callable(obj) and not hasattr(obj, "__dict__")):
        out[path] = repr(obj)
        return
    if isinstance(obj, set | frozenset):  # no order of its own: the sorted items
        out[path] = repr(sorted(map(repr, obj)))
        return
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, Mapping):
        items = ((repr(k), v) for k, v in obj.items())
    elif isinstance(obj, list | tuple | deque):
        out[f"{path}#len"] = str(len(obj))
        items = ((str(i), v) for i, v in enumerate(obj))
    else:
        fields = dict(getattr(obj, "__dict__", {}))
        for cls in type(obj).__mro__:
            for slot in getattr(cls, "__slots__", ()):
                if hasattr(obj, slot):
                    fields.setdefault(slot, getattr(obj, slot))
        if not fields:
            out[path] = repr(obj)
            return
        out[f"{path}#type"] = type(obj).__qualname__
        items = iter(fields.items())
    for name, value in items:
        _walk(value, f"{path}.{name}", seen, out)
