"""The docs stay true: every setting and every CLI command is documented in README.md."""

from __future__ import annotations

from dataclasses import fields

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


def test_architecture_names_every_library_module() -> None:
    text = (PROJECT_DIR / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = sorted(
        p.stem for p in (PROJECT_DIR / "src" / "museumkg").glob("*.py") if p.stem != "__init__"
    )
    missing = [m for m in modules if f"{m}.py" not in text and f"`{m}`" not in text]
    assert not missing, f"docs/architecture.md does not mention: {missing}"
