"""The house, read from the source: no import cycles, no import up the layers, a pure domain,
and eppy imported by one module.

Layers, top to bottom: web / api / cli  >  jobs / queue  >  services  >  models / domain.
Modules at the package's root (config, db, errors, …) are wiring that any layer may use, but
the domain imports nothing of the registry outside itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "registry"
LAYERS = {
    "web": 3,
    "api": 3,
    "cli": 3,
    "jobs": 2,
    "queue": 2,
    "services": 1,
    "models": 0,
    "domain": 0,
}
# What a pure domain may not use: the web framework and the database layer.
NOT_IN_DOMAIN = (
    "flask",
    "flask_babel",
    "flask_login",
    "flask_wtf",
    "sqlalchemy",
    "sqlmodel",
    "werkzeug",
    "celery",
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rsplit(".", 1)[0] if "." in name else ""
    return name or None


def _imports(name: str, path: Path) -> tuple[set[str], set[str]]:
    """The registry modules `name` imports (anywhere in its body), and the other top-level
    packages it imports."""
    ours, theirs = set(), set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] == "registry":
                resolved = _resolve(target)
                if resolved and resolved != name and not name.startswith(resolved + "."):
                    ours.add(resolved)
            else:
                theirs.add(target.split(".")[0])
    return ours, theirs


GRAPH: dict[str, set[str]] = {}
EXTERNAL: dict[str, set[str]] = {}
for _name, _path in MODULES.items():
    GRAPH[_name], EXTERNAL[_name] = _imports(_name, _path)


def _layer(name: str) -> int | None:
    parts = name.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    return found


def test_the_graph_is_read():
    # The reader itself: a module known to import another is seen to.
    assert "registry.services.checks.uploads" in GRAPH["registry.web.checks"]
    assert len(MODULES) > 100


def test_no_import_cycles():
    assert _cycles() == []


def test_no_import_runs_up_the_layers():
    upward = sorted(
        f"{a} -> {b}"
        for a, targets in GRAPH.items()
        for b in targets
        if _layer(a) is not None and _layer(b) is not None and _layer(b) > _layer(a)
    )
    assert upward == []


def test_the_domain_imports_only_the_domain():
    outside = sorted(
        f"{a} -> {b}"
        for a, targets in GRAPH.items()
        if a.startswith("registry.domain")
        for b in targets
        if not b.startswith("registry.domain")
    )
    assert outside == []


@pytest.mark.parametrize("package", NOT_IN_DOMAIN)
def test_the_domain_uses_neither_the_web_framework_nor_the_database(package):
    users = sorted(m for m in MODULES if m.startswith("registry.domain") and package in EXTERNAL[m])
    assert users == []


def test_eppy_is_imported_by_one_module():
    users = sorted(m for m in MODULES if "eppy" in EXTERNAL[m])
    assert users == ["registry.domain.checks.idf"]


def test_a_cycle_and_an_upward_import_would_be_seen(monkeypatch):
    # The checks above would fail on the faults they look for.
    monkeypatch.setitem(
        GRAPH, "registry.services.audit", GRAPH["registry.services.audit"] | {"registry.web.checks"}
    )
    assert _cycles() != []
    monkeypatch.setitem(GRAPH, "registry.web.checks", set())
    with pytest.raises(AssertionError):
        test_no_import_runs_up_the_layers()
