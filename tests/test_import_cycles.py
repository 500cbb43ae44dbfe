"""No module of hcc_desktop imports itself back through others (lazy imports inside
functions count too): a newcomer can read the program bottom up, and opening a store
does not depend on what opens it. Uses grimp, which import-linter brings."""

from __future__ import annotations

import pytest

grimp = pytest.importorskip("grimp")


def _cycles(graph, modules: list[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if not child.startswith("hcc_desktop"):
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
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


def test_no_import_cycles_in_the_program() -> None:
    graph = grimp.build_graph("hcc_desktop")
    modules = sorted(m for m in graph.modules if m.startswith("hcc_desktop"))
    assert _cycles(graph, modules) == []


def test_the_store_is_a_leaf_of_opening() -> None:
    """Store depends on none of what opening a store needs."""
    graph = grimp.build_graph("hcc_desktop")
    for needed in ("migrations", "backups", "catalog", "opening"):
        assert not graph.chain_exists(
            importer="hcc_desktop.core.store", imported=f"hcc_desktop.core.{needed}"
        ), needed
