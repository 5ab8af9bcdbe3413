"""The apps stand in layers with no import cycles (issue 10), checked on the import graph
itself with grimp, the library import-linter builds on, as a second opinion beside the
contracts in pyproject.toml that `make test` runs. Function-local imports count."""

from __future__ import annotations

import grimp
import pytest

APPS = ("jobboard", "postings", "salaries", "skills")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    graph = grimp.build_graph(*APPS)
    for module in list(graph.modules):
        if ".migrations" in module:  # migrations name models by string; they import nothing
            graph.remove_module(module)
    return graph


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_itself_back_through_others(graph):
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_when_there_is_one(graph):
    graph.add_import(importer="skills.models", imported="skills.services")
    try:
        assert ["skills.models", "skills.services"] in _cycles(graph)
    finally:
        graph.remove_import(importer="skills.models", imported="skills.services")


@pytest.mark.parametrize(
    ("lower", "higher"),
    [("skills", "postings"), ("skills", "salaries"), ("skills", "jobboard"),
     ("salaries", "postings"), ("salaries", "jobboard"), ("postings", "jobboard")],
)  # fmt: skip
def test_a_lower_app_never_imports_a_higher_one(graph, lower, higher):
    chains = graph.find_shortest_chains(importer=lower, imported=higher, as_packages=True)
    assert chains == set(), f"{lower} reaches {higher} through {sorted(chains)}"


def test_tasks_import_services_and_never_the_reverse(graph):
    for module in graph.modules:
        if module.rsplit(".", 1)[-1] == "services":
            tasks = {m for m in graph.find_modules_directly_imported_by(module) if "tasks" in m}
            assert tasks == set(), f"{module} imports {tasks}"
