# Copyright (c) OpenMMLab. All rights reserved.
"""The import graph of ``mmtin/``, read with ``ast`` (imports inside
functions included): no cycle between modules, and every package imports
only packages of lower layers.

Layers, lowest first. A package may import itself and any package of a
lower layer, nothing of its own layer or above. ``mmtin/__init__.py`` (the
registration entry point) sits above all and no module imports it.
"""
import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / 'mmtin'

LAYERS = (
    # 0: import nothing of mmtin
    ('version', 'registry', 'compat', 'ops', 'ckpt_convert'),
    # 1: the models (ops, checkpoint converters)
    ('models', ),
    # 2: config tools, datasets and metrics (not the models)
    ('utils', 'datasets', 'evaluation'),
    # 3: hooks and runner helpers
    ('engine', ),
    # 4: build / load / score / cost a recognizer, inference
    ('apis', ),
    # 5: users of the API
    ('deployment', 'search', 'visualization'),
    # 6: the benchmark library and the study core of the evidence tools
    ('analysis', 'study'),
)
LAYER_OF = {pkg: i for i, names in enumerate(LAYERS) for pkg in names}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_ROOT.parent).with_suffix('').parts)
    if parts[-1] == '__init__':
        parts.pop()
    return '.'.join(parts)


def _modules():
    """``{module name: (path, is_package)}`` of every module of mmtin."""
    return {
        _module_name(p): (p, p.name == '__init__.py')
        for p in sorted(PACKAGE_ROOT.rglob('*.py'))
    }


def import_graph():
    """``{module: {(imported mmtin module, line)}}``; ``from X import Y``
    points at ``X.Y`` when that is a module, else at ``X``."""
    modules = _modules()
    graph = defaultdict(set)
    for name, (path, is_pkg) in modules.items():
        package = name if is_pkg else name.rpartition('.')[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ''
                if node.level:
                    anchor = package.split('.')[:len(package.split('.')) -
                                                 node.level + 1]
                    base = '.'.join(anchor + ([base] if base else []))
                for alias in node.names:
                    sub = f'{base}.{alias.name}'
                    targets.append(sub if sub in modules else base)
            for target in targets:
                if target == 'mmtin' or target.startswith('mmtin.'):
                    graph[name].add((target, node.lineno))
    return graph


def _package(module: str) -> str:
    parts = module.split('.')
    return parts[1] if len(parts) > 1 else ''


def test_every_package_has_a_layer():
    packages = {_package(m) for m in _modules()} - {''}
    assert packages - set(LAYER_OF) == set(), (
        'add the new package to LAYERS in tests/test_import_graph.py')


def test_packages_import_only_lower_layers():
    wrong = []
    for module, targets in import_graph().items():
        src = _package(module)
        for target, line in sorted(targets):
            dst = _package(target)
            if src == '' or dst == src:
                continue
            if dst == '':
                wrong.append(f'{module}:{line} imports the mmtin root')
            elif LAYER_OF[dst] >= LAYER_OF[src]:
                wrong.append(f'{module}:{line} -> {target} ({src} is in '
                             f'layer {LAYER_OF[src]}, {dst} in layer '
                             f'{LAYER_OF[dst]})')
    assert wrong == []


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan),
    plus modules importing themselves."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    edges = {m: {t for t, _ in ts} for m, ts in graph.items()}

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in edges.get(v, ()):
                found.append(sorted(comp))

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    assert _cycles(import_graph()) == []


def test_cycle_finder_finds_a_cycle():
    graph = {'mmtin.a': {('mmtin.b', 1)}, 'mmtin.b': {('mmtin.c', 1)},
             'mmtin.c': {('mmtin.a', 3)}, 'mmtin.d': {('mmtin.a', 1)}}
    assert _cycles(graph) == [['mmtin.a', 'mmtin.b', 'mmtin.c']]


@pytest.mark.parametrize('low', ['ops', 'models'])
def test_low_layers_do_not_import_high_ones(low):
    """The two rules the layers exist for, stated directly: ``ops``
    imports nothing of mmtin; ``models`` nothing above it."""
    allowed = {'ops': set(), 'models': {'ops', 'ckpt_convert', 'models'}}
    seen = {
        _package(t)
        for m, ts in import_graph().items() if _package(m) == low
        for t, _ in ts
    }
    assert seen - allowed[low] - {low} == set()
