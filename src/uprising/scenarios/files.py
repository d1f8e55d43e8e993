"""Reading scenario files safely: regular files only, of bounded size and nesting.

    text = read_scenario_text(path)          # ScenarioError for anything but a small file
    data = parse_scenario_toml(text, label)  # ScenarioError for bad or too deep TOML

A scenario path (given on the command line, or as another file's ``base``) may name
anything: a FIFO that never ends, ``/dev/zero``, a directory, a name longer than the
file system allows, a file of gigabytes. Only a regular file of at most
`MAX_SCENARIO_BYTES` is read. Its TOML may nest tables at most `MAX_NESTING` deep, and
a chain of bases may be at most `MAX_BASE_CHAIN` files long (`uprising.scenarios.loader`),
so that neither parsing nor merging can exhaust the stack.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from uprising.errors import ScenarioError
from uprising.messages import shown

__all__ = [
    "MAX_BASE_CHAIN",
    "MAX_NESTING",
    "MAX_SCENARIO_BYTES",
    "is_regular_file",
    "parse_scenario_toml",
    "read_scenario_text",
]

MAX_SCENARIO_BYTES = 1 << 20
"""Largest scenario file read (1 MiB; the largest built-in is under 40 kB)."""

MAX_NESTING = 16
"""Deepest nesting of tables and arrays in a scenario's TOML (the built-ins use 3)."""

MAX_BASE_CHAIN = 16
"""Most files in a chain of ``base`` references, the file loaded included."""


def is_regular_file(path: Path) -> bool:
    """Whether ``path`` is a regular file; False (never an error) for anything else."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):  # too long a name, a NUL byte, no permission, absent
        return False


def read_scenario_text(path: Path, label: str | None = None) -> str:
    """The text of a scenario file.

    Args:
        path: The file.
        label: How the file is named in messages (default: the path, shortened).

    Raises:
        ScenarioError: Absent, not a regular file (a directory, FIFO or device), larger
            than `MAX_SCENARIO_BYTES`, unreadable, or not UTF-8.
    """
    name = label if label is not None else shown(str(path)).strip("'")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError(f"{name}: no such file") from None
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScenarioError(f"{name}: cannot read: {why}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(f"{name}: is a directory, not a scenario file")
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(f"{name}: not a regular file (a scenario is a .toml file)")
    if info.st_size > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            f"{name}: {info.st_size} bytes: a scenario file may have at most "
            f"{MAX_SCENARIO_BYTES} bytes"
        )
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SCENARIO_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_SCENARIO_BYTES:  # it grew while being read
        raise ScenarioError(f"{name}: a scenario file may have at most {MAX_SCENARIO_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{name}: not UTF-8 text") from None


def parse_scenario_toml(text: str, source: str) -> dict[str, Any]:
    """Parse a scenario's TOML text.

    Raises:
        ScenarioError: Invalid TOML (with line and column), an integer too long to
            convert, or tables and arrays nested deeper than `MAX_NESTING`.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(
            f"{source}: tables or arrays nested too deeply (at most {MAX_NESTING} levels)"
        ) from None
    except ValueError as exc:  # e.g. an integer of over 4,300 digits
        raise ScenarioError(f"{source}: invalid TOML: {shown(str(exc), 200)}") from None
    if _depth(data) > MAX_NESTING:
        raise ScenarioError(
            f"{source}: tables or arrays nested too deeply (at most {MAX_NESTING} levels)"
        )
    return data


def _depth(value: Any) -> int:
    """Nesting depth of tables and arrays (a scalar is 0), without recursion."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        node, depth = todo.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_NESTING:
            return deepest
        todo.extend((child, depth + 1) for child in children)
    return deepest
