"""Imports inside functions only for genuine lazy loading, each with a one-line reason (issue #20;
docs/architecture.md "Layers"): a comment ``# lazy: …`` on the line above the group of imports, or on the import."""

import ast
from pathlib import Path

import zi

ROOT = Path(zi.__file__).parent


def _function_imports(path: Path) -> list[tuple[int, int]]:
    """(first line, last line) of each group of consecutive imports inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    groups: list[tuple[int, int]] = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for block in ast.walk(function):
            body = getattr(block, "body", None)
            if not isinstance(body, list):
                continue
            group: list[ast.stmt] = []
            for statement in [*body, None]:
                if isinstance(statement, ast.Import | ast.ImportFrom):
                    group.append(statement)
                    continue
                if group:
                    groups.append((group[0].lineno, group[-1].end_lineno or group[-1].lineno))
                    group = []
    return sorted(set(groups))


def test_every_import_inside_a_function_says_why_it_is_lazy():
    unexplained = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for first, last in _function_imports(path):
            above = lines[first - 2].strip() if first >= 2 else ""
            own = lines[first - 1 : last]
            if above.startswith("# lazy:") or any("# lazy:" in line for line in own):
                continue
            unexplained.append(f"{path.relative_to(ROOT.parent)}:{first}: {lines[first - 1].strip()}")
    assert not unexplained, "imports inside functions without a '# lazy:' reason:\n" + "\n".join(unexplained)
