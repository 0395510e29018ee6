"""The app layers hold: the import-linter contracts in pyproject.toml (also run by make lint),
and the one rule import-linter cannot spell: the pure engines import nothing from django.http."""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINES = [
    ROOT / "realise" / "appraisal" / "greenbook.py",
    *sorted((ROOT / "realise" / "benefits" / "realisation").glob("*.py")),
]
HTTP = ("django.http", "django.shortcuts", "django.template.response", "rest_framework")


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    completed = subprocess.run(  # noqa: S603 (our own lint-imports, fixed arguments)
        [str(lint_imports), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    for contract in ("Apps keep their layers", "core imports no app", "Pure engines import no"):
        assert contract in completed.stdout
    assert "0 broken" in completed.stdout


def test_no_contract_makes_an_exception():
    """Every crossing of a layer fails the build: no contract lists imports it ignores."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    assert {c["id"] for c in contracts} == {"layers", "core", "engines"}
    assert [c["id"] for c in contracts if c.get("ignore_imports")] == []


def imported_modules(path):
    """Every module a file imports, at the top or inside a function."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_the_engines_are_found():
    assert ENGINES[0].exists()
    assert {path.name for path in ENGINES} >= {"__init__.py", "ledger.py", "rag.py"}


def test_pure_engines_import_nothing_from_http():
    crossings = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in ENGINES
        for module in imported_modules(path)
        if any(module == name or module.startswith(name + ".") for name in HTTP)
    ]
    assert crossings == []


def test_the_http_check_sees_imports_inside_functions(tmp_path):
    engine = tmp_path / "engine.py"
    engine.write_text("def page():\n    from django.http import HttpResponse\n    return 1\n")
    assert "django.http" in set(imported_modules(engine))
