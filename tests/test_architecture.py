"""The package's shape, as docs/architecture.md states it: import direction, display code, file lengths.

Each test reads the source with ``ast`` (nothing is imported), so it fails on
the first import that goes against the stated direction, wherever it hides
(inside a function too).
"""

from __future__ import annotations

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "gancourse"

TIERS = {
    "config": 0,
    "data": 1,
    "nets": 2, "objectives": 2, "theory": 2,
    "train": 3, "evaluate": 3, "inpainting": 3,
    "show": 4, "classroom": 4,
    "cli": 5,
}
"""Subpackage -> tier: a module may import from its own tier or lower (docs/architecture.md)."""

DISPLAY_LIBRARIES = ("matplotlib", "IPython", "ipywidgets")
MAX_LINES = 300
LENGTH_REASON = "Why this file is longer than 300 lines"


def package_modules() -> list[pathlib.Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: pathlib.Path, source: str | None = None,
                     module: str | None = None) -> list[tuple[int, str]]:
    """Every module ``path`` imports (absolute dotted names), with the line, relative imports resolved.

    ``source`` and ``module`` stand in for the file's text and dotted name (the checker's own test).
    """
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    here = (module or module_name(path)).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            if node.module is None or node.level:  # `from . import x`: x may be a module
                found += [(node.lineno, f"{stem}.{alias.name}") for alias in node.names]
            found.append((node.lineno, stem))
    return found


def tier_of(dotted: str) -> int | None:
    parts = dotted.split(".")
    if parts[0] != "gancourse" or len(parts) < 2:
        return None
    return TIERS.get(parts[1])


def test_every_subpackage_has_a_tier():
    subpackages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert subpackages == set(TIERS), "add the new subpackage to TIERS and to docs/architecture.md"


@pytest.mark.parametrize("path", package_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_stated_direction(path):
    assert_imports_downward(path)


def assert_imports_downward(path, source=None, module=None):
    module = module or module_name(path)
    own = tier_of(module)
    if own is None:  # gancourse/__init__.py and __main__.py stand above everything
        return
    upward = [f"line {line}: {target} (tier {tier_of(target)})"
              for line, target in imported_modules(path, source, module)
              if tier_of(target) is not None and tier_of(target) > own]
    assert not upward, f"{module} (tier {own}) imports upward: {upward}"


@pytest.mark.parametrize("path", package_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_show_imports_display_libraries(path):
    if module_name(path).startswith("gancourse.show"):
        return
    display = [f"line {line}: {target}" for line, target in imported_modules(path)
               if target.split(".")[0] in DISPLAY_LIBRARIES]
    assert not display, f"{module_name(path)} imports display code outside gancourse.show: {display}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "cli").glob("*.py")), ids=lambda p: p.name)
def test_the_command_line_imports_its_handlers_normally(path):
    targets = [target for _, target in imported_modules(path)]
    assert "importlib" not in targets and "importlib" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", package_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_long_files_say_why(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) > MAX_LINES:
        assert any(LENGTH_REASON in line for line in lines[:15]), (
            f"{path.relative_to(PACKAGE)} has {len(lines)} lines: split it by concept or say why in its "
            f"opening lines ('{LENGTH_REASON}: ...')")


def test_the_checker_catches_an_upward_import():
    """The direction check itself: a nets module importing train is reported (so the tests above can fail).

    The probe's source is checked in memory, as if it were gancourse/nets/probe.py: nothing is written
    into the package.
    """
    source = "from ..train.gan_trainer import GAN\n\ndef f():\n    from gancourse.show import images\n"
    with pytest.raises(AssertionError, match=r"imports upward.*train\.gan_trainer.*show"):
        assert_imports_downward(PACKAGE / "nets" / "probe.py", source, "gancourse.nets.probe")
    assert_imports_downward(PACKAGE / "nets" / "probe.py", "from ..objectives import mmd\n", "gancourse.nets.probe")


def test_pyproject_ships_every_subpackage():
    """A non-editable install (Colab's ``pip install git+...``) gets only the packages pyproject lists."""
    import tomllib

    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    present = {module_name(p.parent / "__init__.py") for p in PACKAGE.rglob("__init__.py")}
    assert present <= listed, f"add to [tool.setuptools] packages: {sorted(present - listed)}"
