"""The package as it is shipped: every file read at run time is declared as package data.

scripts/check-wheel builds the wheel and uses it outside the checkout; this quicker check names a file
left out of the package data at once.
"""

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def tracked(package):
    listed = subprocess.run(["git", "ls-files", package], cwd=ROOT, capture_output=True, text=True, check=True)
    return {ROOT / line for line in listed.stdout.splitlines()}


@pytest.mark.parametrize("package", ["accessible", "web"])
def test_every_file_the_package_reads_is_in_its_package_data(package):
    if not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout to know which files are the package's")
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"][package]
    declared = {path for pattern in patterns for path in (ROOT / package).glob(pattern) if path.is_file()}
    needed = {path for path in tracked(package) if path.suffix != ".py"}
    assert not sorted(str(p.relative_to(ROOT)) for p in needed - declared)


def imported(package):
    """Return the top-level names of the modules *package* imports from outside itself and the standard library."""
    names = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"accessible", "web"}


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_module_the_package_imports_comes_from_a_declared_dependency_or_extra():
    project = PYPROJECT["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["postgresql"],
                    *project["optional-dependencies"]["vosk"]]
    declared = {canonical(re.match(r"[A-Za-z0-9_.-]+", r).group()) for r in requirements}
    providers = packages_distributions()
    undeclared = {module: providers.get(module) for module in imported("accessible") | imported("web")
                  if not {canonical(d) for d in providers.get(module, [])} & declared}
    assert undeclared == {}
