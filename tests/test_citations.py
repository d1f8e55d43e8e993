"""Every citation names a source a reader can find: no reference to an unpublished brief.

The model's rules and parameters cite papers (author, year, journal, section) or the
in-repository reference docs/MODEL.md. A literature brief used while writing the model
is not part of the repository, so citing it would leave the reader with nothing to open.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEARCHED = ("src", "tests", "docs", "benchmarks", "scripts", "README.md")
SUFFIXES = {".py", ".md", ".toml", ".csv", ".txt", ".html", ".j2", ".jinja", ".cfg", ".ini"}
# The forbidden words, assembled so that this file does not match itself.
FORBIDDEN = re.compile(
    "|".join(
        [
            "MODEL" + "_BRIEF",
            r"\bthe " + r"brief\b",
            r"\bmodel " + r"brief\b",
            r"\bbrief" + r"'s\b",
            r"\bbrief " + r"§",
            r"\bbrief " + r"\d",
        ]
    ),
    re.IGNORECASE,
)


def _files() -> list[Path]:
    files: list[Path] = []
    for name in SEARCHED:
        path = ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix in SUFFIXES and "egg-info" not in str(p)
            )
    return files


def test_the_search_covers_the_model_and_its_docs():
    names = {p.relative_to(ROOT).as_posix() for p in _files()}
    assert "README.md" in names
    assert "docs/MODEL.md" in names
    assert "src/uprising/engine/kernels.py" in names
    assert any(n.startswith("src/uprising/scenarios/builtin/") for n in names)


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_file_cites_the_unpublished_brief(path: Path):
    text = path.read_text(encoding="utf-8", errors="replace")
    hits = [
        f"{i}: {line.strip()}"
        for i, line in enumerate(text.splitlines(), start=1)
        if FORBIDDEN.search(line)
    ]
    assert not hits, "cite the paper or docs/MODEL.md instead:\n" + "\n".join(hits)
