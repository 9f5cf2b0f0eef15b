"""DESIGN §7's import rules, checked on the source (AST), so that a layering slip fails here
and not in a review:

- only `cli` imports click; only the archive modules (`archive*`) import git;
- the functional core (every module that is not listed as shell or edge below) imports no
  I/O module, reads no clock and opens no file;
- the package's import graph has no cycle (lazy imports inside functions count too).

A new module is core unless it is added to SHELL or EDGE here, on purpose, with the reason."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "policydiff"

# The imperative shell: files, git, processes, the terminal, the clock.
SHELL_PREFIXES = (
    "policydiff.__main__", "policydiff.cli", "policydiff.api", "policydiff.archive",
    "policydiff.report_files", "policydiff.sitebuild", "policydiff.sitejobs",
    "policydiff.bulkimport", "policydiff.files", "policydiff.fsutil", "policydiff.outputs",
    "policydiff.printing", "policydiff.render.pdf", "policydiff.intake", "policydiff.checkout",
    "policydiff.citations_api",
    "policydiff.interrupts",  # the SIGINT handler (signal) that archive writes and the CLI share
    "policydiff.forkmap",  # the core's parallel map by forked processes (os.fork, signal)
)
# Bytes in, text out; format converters may run LibreOffice in a temp folder.
EDGE_PREFIXES = ("policydiff.ingest",)

IO_MODULES = {"os", "pathlib", "subprocess", "shutil", "tempfile", "socket", "glob", "time",
              "git", "click", "filelock", "playwright", "tqdm", "dask", "distributed",
              "concurrent", "multiprocessing", "signal"}
CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow"),
               ("time", "time")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_shell(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") or name.startswith(p + "_") or
               (p.endswith("archive") and name.startswith(p)) for p in SHELL_PREFIXES)


def is_edge(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in EDGE_PREFIXES)


def package_imports(name: str) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the module, lazy ones inside functions
    included (a lazy import that dodges a cycle is still a cycle between layers), relative
    imports resolved."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def resolve(module: str | None, level: int) -> str:
        if level == 0:
            return module or ""
        base = package.split(".")
        base = base[: len(base) - (level - 1)]
        return ".".join(base + ([module] if module else []))

    # `if TYPE_CHECKING:` imports never run: names for annotations, not a dependency at
    # run time (status.answers names measures.MeasureAnswer this way)
    typing_only = {id(inner) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
                   for child in node.body for inner in ast.walk(child)}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = resolve(node.module, node.level)
            found.append((target, node.lineno))
            for alias in node.names:  # `from . import x` imports the submodule x
                if f"{target}.{alias.name}" in MODULES:
                    found.append((f"{target}.{alias.name}", node.lineno))
    return found


def all_imports(name: str) -> list[tuple[str, int]]:
    """Every import anywhere in the module (lazy ones included)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = []
    # `if TYPE_CHECKING:` imports never run: names for annotations, not a dependency at
    # run time (status.answers names measures.MeasureAnswer this way)
    typing_only = {id(inner) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
                   for child in node.body for inner in ast.walk(child)}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
    return found


def test_the_package_is_found():
    assert "policydiff.cli" in MODULES and "policydiff.model" in MODULES


def test_only_cli_imports_click():
    offenders = [f"{name}:{line}" for name in MODULES for mod, line in all_imports(name)
                 if mod.split(".")[0] == "click" and name != "policydiff.cli"]
    assert offenders == []


def test_only_the_archive_imports_git():
    offenders = [f"{name}:{line}" for name in MODULES for mod, line in all_imports(name)
                 if mod.split(".")[0] == "git" and not name.startswith("policydiff.archive")]
    assert offenders == []


CORE = sorted(name for name in MODULES if not is_shell(name) and not is_edge(name))


def test_the_core_is_most_of_the_package():
    # A guard against emptying the rule by classifying everything as shell.
    for name in ("policydiff.model", "policydiff.structure", "policydiff.align", "policydiff.compare",
                 "policydiff.textdiff", "policydiff.render.html", "policydiff.render.json"):
        assert name in CORE


def reads_package_data(node: ast.AST) -> bool:
    """`importlib.resources.files(...)...read_text()`: the package's own templates and
    static files, part of the program rather than input or output."""
    while isinstance(node, (ast.Attribute, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return isinstance(node, ast.Name) and node.id == "resources"


@pytest.mark.parametrize("name", CORE)
def test_core_module_does_no_io(name):
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    problems = [f"imports {mod} (line {line})" for mod, line in all_imports(name)
                if mod.split(".")[0] in IO_MODULES]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in {"open", "print", "input"}:
                problems.append(f"calls {func.id}() (line {node.lineno})")
            if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and (func.value.id, func.attr) in CLOCK_CALLS):
                problems.append(f"reads the clock: {func.value.id}.{func.attr}() (line {node.lineno})")
            if (isinstance(func, ast.Attribute) and func.attr in {"read_text", "write_text", "read_bytes",
                                                                 "write_bytes"}
                    and not reads_package_data(func.value)):
                problems.append(f"file I/O .{func.attr}() (line {node.lineno})")
    assert problems == [], f"{name} is core (DESIGN §7) but " + "; ".join(problems)


def test_no_import_cycle():
    graph = {name: sorted({mod for mod, _ in package_imports(name) if mod in MODULES and mod != name})
             for name in MODULES}
    # A package's __init__ importing its own submodules is how packages work, not a cycle
    # between layers: drop the edge from a submodule to its parent package.
    for name, targets in graph.items():
        graph[name] = [t for t in targets if not name.startswith(t + ".")]
    cycles, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in graph[node]:
            if state.get(target) == "open":
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)
