"""Fail when a module uses a `_private` name of a module in another package (run by `make lint`).

A name that starts with one underscore is private to the package of the module that defines it:
`museumkg.store.embedded` may import `museumkg.store.base._x`, `museumkg.sparql.workers` may not.
The same holds for private modules (`museumkg.store._impl`). Checked: `from m import _x`,
`from pkg import _mod`, and `_x` read as an attribute of an imported module (`m._x`).
import-linter checks the layers; this checks what it cannot, the names.

Usage: python scripts/check_private_imports.py [ROOT ...]   (default: src/museumkg webapp)
Exit 1 and one line per use (file:line: what) when any is found.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DEFAULT_ROOTS = ("src/museumkg", "webapp")


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def module_name(path: Path, root: Path) -> str:
    """`src/museumkg/store/base.py` -> `museumkg.store.base` (root = src/museumkg)."""
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(module: str, is_package: bool) -> str:
    """The package a module's private names belong to: itself for a package's __init__."""
    return module if is_package else module.rpartition(".")[0]


class Checker:
    """Collects the cross-package uses of private names in one tree of modules."""

    def __init__(self, modules: dict[str, bool]) -> None:
        self.modules = modules  # dotted name -> is a package (__init__.py)
        self.problems: list[str] = []

    def owner(self, dotted: str) -> str | None:
        """The package a dotted name's first private part belongs to; None if public or not ours.

        A private name belongs to the package of the module defining it, or to the package itself
        when it is defined in (or is a module of) the package's __init__.
        """
        parts = dotted.split(".")
        for i, part in enumerate(parts):
            if is_private(part):
                definer = ".".join(parts[:i])
                if definer not in self.modules:
                    return None
                return package_of(definer, self.modules[definer])
        return None

    def use(self, where: str, importer_pkg: str, dotted: str) -> None:
        owner = self.owner(dotted)
        if owner is not None and owner != importer_pkg:
            self.problems.append(f"{where}: {dotted} is private to {owner}")

    def check_file(self, path: Path, module: str, is_package: bool) -> None:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        own_pkg = package_of(module, is_package)
        bound = self.check_imports(tree, path, own_pkg)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and is_private(node.attr):
                target = self.dotted(node.value, bound)
                if target is not None and target in self.modules:
                    self.use(f"{path}:{node.lineno}", own_pkg, f"{target}.{node.attr}")

    def check_imports(self, tree: ast.Module, path: Path, own_pkg: str) -> dict[str, str]:
        """Check the import statements; return each local name bound to a module."""
        bound: dict[str, str] = {}
        for node in ast.walk(tree):
            where = f"{path}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.use(where, own_pkg, alias.name)
                    head = alias.name.split(".")[0]
                    bound[alias.asname or head] = alias.name if alias.asname else head
            elif isinstance(node, ast.ImportFrom):
                base = self.resolve(node, own_pkg)
                for alias in node.names:
                    dotted = f"{base}.{alias.name}"
                    self.use(where, own_pkg, dotted)
                    if dotted in self.modules:
                        bound[alias.asname or alias.name] = dotted
        return bound

    @staticmethod
    def resolve(node: ast.ImportFrom, own_pkg: str) -> str:
        if not node.level:
            return node.module or ""
        parts = own_pkg.split(".")
        base = ".".join(parts[: len(parts) - (node.level - 1)])
        return f"{base}.{node.module}" if node.module else base

    @staticmethod
    def dotted(node: ast.expr, bound: dict[str, str]) -> str | None:
        """`a.b.c` as the dotted module name it reads, when `a` is an imported module."""
        names: list[str] = []
        while isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in bound:
            return None
        return ".".join([bound[node.id], *reversed(names)])


def main(argv: list[str]) -> int:
    roots = [Path(r) for r in (argv or DEFAULT_ROOTS)]
    files: list[tuple[Path, str, bool]] = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            files.append((path, module_name(path, root), path.name == "__init__.py"))
    checker = Checker({module: is_pkg for _, module, is_pkg in files})
    for path, module, is_pkg in files:
        checker.check_file(path, module, is_pkg)
    for line in checker.problems:
        print(line)
    if checker.problems:
        print(f"{len(checker.problems)} private name(s) used across packages", file=sys.stderr)
        return 1
    print(f"private names: {len(files)} modules checked, none used across packages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
