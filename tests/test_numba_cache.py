"""Numba's cache keyed by the compiled code's sources (uprising.engine.numba_cache).

The end-to-end test copies the package, runs a cached kernel that inlines a helper of
another module (`kernels.shuffled_phases` inlines `rng.below`), edits that helper in
the copy and runs the kernel again: the compiled result must follow the edit. With
Numba's cache keyed on the kernel's own file only, the second run would reuse the old
machine code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import uprising
from uprising.engine import numba_cache as C

ROOT = Path(uprising.__file__).resolve().parent

# prints the compiled kernel's result, the same function run as Python, and whether the
# compiled code came from the cache
PROBE = """
import json
import numpy as np
import uprising
from uprising.engine import kernels as K
key = np.uint64(12345)
compiled = K.shuffled_phases(16, key, 7).tolist()
python = [int(v) for v in K.shuffled_phases.py_func(16, key, 7)]
hits = sum(K.shuffled_phases.stats.cache_hits.values())
print(json.dumps({"compiled": compiled, "python": python, "hits": hits,
                  "package": uprising.__file__}))
"""


def _copy_package(tmp_path: Path) -> Path:
    target = tmp_path / "src" / "uprising"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _probe(src: Path, cache_home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(PYTHONPATH=str(src), XDG_CACHE_HOME=str(cache_home), NUMBA_NUM_THREADS="1")
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_sources_are_every_module_with_compiled_code_and_what_it_imports():
    names = {p.relative_to(ROOT).as_posix() for p in C.source_files(ROOT)}
    # compiled code, and config (whose integer codes the kernels freeze as constants)
    for name in ("engine/kernels.py", "engine/rng.py", "engine/rules.py", "engine/config.py"):
        assert name in names
    assert "models/belarus/kernels.py" in names
    # modules without compiled code that compiled code does not import stay out
    assert "engine/simulation.py" not in names
    assert "cli.py" not in names


def test_an_edit_of_an_inlined_helper_opens_a_fresh_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    package = _copy_package(tmp_path)
    before = C.cache_dir(package)
    assert C.cache_dir(package) == before  # a pure function of the sources
    rng = package / "engine" / "rng.py"
    rng.write_text(rng.read_text() + "\n# an edit\n")
    assert C.cache_dir(package) != before
    assert C.cache_dir(package).parent == before.parent


def test_a_directory_set_by_a_parent_process_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "mine"))
    nested = C.cache_dir(ROOT)
    assert nested.parent == tmp_path / "mine"  # the user's directory is the base
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(nested))
    assert C.cache_dir(ROOT) == nested  # a worker inherits its parent's directory


@pytest.mark.slow  # three fresh processes, two of which compile
def test_compiled_code_follows_an_edit_of_an_inlined_helper(tmp_path):
    package = _copy_package(tmp_path)
    cache_home = tmp_path / "cache"
    first = _probe(package.parent, cache_home)
    assert Path(first["package"]).parent == package  # the copy, not the installed package
    assert first["compiled"] == first["python"]
    again = _probe(package.parent, cache_home)
    assert again["compiled"] == first["compiled"]
    assert again["hits"] > 0  # the second run loaded the machine code from the cache

    # rng.below, inlined into kernels.shuffled_phases: draw from the top of the range
    rng = package / "engine" / "rng.py"
    text = rng.read_text()
    old = "    return np.int64(uniform(state) * n)\n"
    assert text.count(old) == 1
    rng.write_text(text.replace(old, "    return n - 1 - np.int64(uniform(state) * n)\n"))
    edited = _probe(package.parent, cache_home)
    assert edited["compiled"] == edited["python"]  # the new source, not stale code
    assert edited["compiled"] != first["compiled"]
    assert edited["hits"] == 0
    assert len(list((cache_home / "uprising" / "numba").iterdir())) == 2
