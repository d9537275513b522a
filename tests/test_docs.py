"""The docs stay true: every setting and every CLI command is documented in README.md."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from museumkg.cli.main import main
from museumkg.config import PROJECT_DIR, Settings

README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "variable", [f"MUSEUMKG_{f.name.upper()}" for f in fields(Settings) if f.name != "extra"]
)
def test_every_setting_is_documented(variable: str) -> None:
    assert variable in README, f"{variable} is a setting but README.md does not document it"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_documented(command: str) -> None:
    assert f"museumkg {command}" in README, f"`museumkg {command}` is missing from README.md"


def test_readme_gives_the_two_commands_ci_runs() -> None:
    assert "make serve" in README and "make test" in README
    ci = (PROJECT_DIR / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


ARCHITECTURE = (PROJECT_DIR / "docs" / "architecture.md").read_text(encoding="utf-8")


def _sections(text: str) -> dict[str, str]:
    """Each heading of the page (``#`` to ``###``) → the text under it, up to the next one."""
    parts = re.split(r"^(#{1,3} .*)$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _folders() -> list[tuple[str, Path]]:
    """Every folder of modules, as the page names it: ``museumkg/``, ``records/ingest/``,
    ``webapp/views/``..."""
    library = PROJECT_DIR / "src" / "museumkg"
    found = [("museumkg/", library)]
    found += [
        (f"{p.parent.relative_to(library).as_posix()}/", p.parent)
        for p in library.glob("*/**/__init__.py")
    ]
    found += [("webapp/", PROJECT_DIR / "webapp")]
    found += [
        (f"webapp/{p.parent.relative_to(PROJECT_DIR / 'webapp').as_posix()}/", p.parent)
        for p in (PROJECT_DIR / "webapp").glob("*/**/__init__.py")
    ]
    return sorted((n, f) for n, f in found if any(p.name != "__init__.py" for p in f.glob("*.py")))


@pytest.mark.parametrize(("name", "folder"), _folders(), ids=[n for n, _ in _folders()])
def test_architecture_names_every_module_in_its_package_section(name: str, folder: Path) -> None:
    """docs/architecture.md has a section per package (its heading names the folder, e.g.
    `records/ingest/`) that names each of its modules."""
    sections = [body for heading, body in _sections(ARCHITECTURE).items() if f"`{name}`" in heading]
    assert sections, f"docs/architecture.md has no section headed with `{name}`"
    body = "".join(sections)
    modules = sorted(p.name for p in folder.glob("*.py") if p.name != "__init__.py")
    missing = [m for m in modules if m not in body]
    assert not missing, f"the `{name}` section of docs/architecture.md does not name {missing}"


def test_architecture_names_every_package_made_of_its_init_only() -> None:
    """A package with no module but ``__init__.py`` (``queries/``, ``queries/examples/``) is named
    in its own section, or as ``examples/__init__.py`` in its parent's."""
    library = PROJECT_DIR / "src" / "museumkg"
    sections = _sections(ARCHITECTURE)
    missing = []
    for init in library.glob("*/**/__init__.py"):
        if any(q.name != "__init__.py" for q in init.parent.glob("*.py")):
            continue
        name = init.parent.relative_to(library).as_posix()
        parent, _, last = name.rpartition("/")
        own = "".join(b for h, b in sections.items() if f"`{name}/`" in h)
        above = "".join(b for h, b in sections.items() if f"`{parent or 'museumkg'}/`" in h)
        if "__init__.py" not in own and f"{last}/__init__.py" not in above:
            missing.append(name)
    assert not missing, f"docs/architecture.md does not name the packages {missing}"
