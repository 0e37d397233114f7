"""Every module says in its first line what it is for, and no module grows past ~400 lines."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "pos_app"  # the checkout's, as ruff and mypy see it
MAX_LINES = 400

# The ratchet: today's modules over MAX_LINES with their size when the limit came in (2026-12-01).
# A listed module may grow by at most 10% while it waits to be split; one split below MAX_LINES leaves
# the list. Nothing is ever added to it.
TOO_LONG = {
}
GROWTH = 1.10

# Modules whose docstring's first sentence still wraps (none left; the list may only shrink).
SUMMARY_WRAPS: set[str] = set()


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def test_every_module_opens_with_one_line_saying_what_it_is_for():
    missing, wrapped = [], []
    for path in _modules():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
        lines = (doc or "").strip("\n").split("\n")
        if not lines[0].strip():
            missing.append(_name(path))
        elif len(lines) > 1 and lines[1].strip() and _name(path) not in SUMMARY_WRAPS:
            wrapped.append(_name(path))
    assert missing == [], f"modules without a docstring: {missing}"
    assert wrapped == [], f"first line, then a blank line, then the details: {wrapped}"


def test_no_module_grows_past_its_limit():
    sizes = {_name(p): len(p.read_text(encoding="utf-8").splitlines()) for p in _modules()}
    new = {m: n for m, n in sizes.items() if n > MAX_LINES and m not in TOO_LONG}
    grown = {m: sizes[m] for m, n in TOO_LONG.items() if m in sizes and sizes[m] > n * GROWTH}
    fixed = sorted(m for m in TOO_LONG if sizes.get(m, 0) <= MAX_LINES)
    assert new == {}, f"over {MAX_LINES} lines: split them ({new})"
    assert grown == {}, f"grown more than 10% while waiting to be split: {grown} (limits {TOO_LONG})"
    assert fixed == [], f"now at most {MAX_LINES} lines (or gone): take {fixed} off TOO_LONG"
