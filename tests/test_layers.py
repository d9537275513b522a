"""The layers `make lint` keeps: every module has a place in them, the checks catch breaches, and
no module is over 500 lines.

import-linter's contracts (pyproject.toml) only check the modules they name, so a new top-level
module or subpackage must be placed in a layer; scripts/check_private_imports.py is run on a
small package with known uses of private names.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from museumkg.config import PROJECT_DIR

PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
CHECKER = PROJECT_DIR / "scripts" / "check_private_imports.py"


def _layered() -> set[str]:
    """Every module named in a layer of the library's contract."""
    contracts = PYPROJECT["tool"]["importlinter"]["contracts"]
    library = next(c for c in contracts if c["name"].startswith("Library layers"))
    names: set[str] = set()
    for layer in library["layers"]:
        names.update(part.strip() for part in layer.replace(":", "|").split("|"))
    return names


def test_every_top_level_module_and_subpackage_has_a_layer() -> None:
    root = PROJECT_DIR / "src" / "museumkg"
    found = {f"museumkg.{p.stem}" for p in root.glob("*.py") if p.stem != "__init__"}
    found |= {f"museumkg.{p.parent.name}" for p in root.glob("*/__init__.py")}
    missing = sorted(found - _layered())
    assert not missing, f"place these in a layer of [tool.importlinter] (pyproject.toml): {missing}"
    assert "webapp" in _layered()


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_private_names_used_across_packages_are_reported(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/conf.py": "def _cfg() -> None: ...\n",
            "pkg/a/__init__.py": "",
            "pkg/a/m.py": "def _x() -> None: ...\n_y = 1\n",
            # the same package: allowed
            "pkg/a/k.py": "from .m import _x\nfrom pkg.a import m\nprint(m._y, _x)\n",
            # another package: by name, by module alias, by attribute chain
            "pkg/b/__init__.py": "",
            "pkg/b/n.py": "from pkg.a.m import _x\nimport pkg.a.m as mm\nprint(mm._y)\n",
            "pkg/b/o.py": "import pkg.a.m\nprint(pkg.a.m._x)\n",
            "pkg/b/p.py": "from pkg.conf import _cfg\n",
        },
    )
    run = subprocess.run(
        [sys.executable, str(CHECKER), "pkg"], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 1
    lines = sorted(run.stdout.splitlines())
    assert lines == [
        f"{Path('pkg/b/n.py')}:1: pkg.a.m._x is private to pkg.a",
        f"{Path('pkg/b/n.py')}:3: pkg.a.m._y is private to pkg.a",
        f"{Path('pkg/b/o.py')}:2: pkg.a.m._x is private to pkg.a",
        f"{Path('pkg/b/p.py')}:1: pkg.conf._cfg is private to pkg",
    ]


def test_the_project_uses_no_private_name_across_packages() -> None:
    run = subprocess.run(
        [sys.executable, str(CHECKER)], cwd=PROJECT_DIR, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout


def test_no_module_is_over_500_lines() -> None:
    """Small modules (issue 13): a module past 500 lines is split by what it owns."""
    files = [*(PROJECT_DIR / "src").rglob("*.py"), *(PROJECT_DIR / "webapp").rglob("*.py")]
    long = {
        str(p.relative_to(PROJECT_DIR)): n
        for p in files
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert not long, f"modules over 500 lines: {long}"
