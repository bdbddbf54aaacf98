# Copyright (c) OpenMMLab. All rights reserved.
"""``docs/architecture.md`` tells the truth: its layer table names every
package folder of mmtin, with the layer ``tests/test_import_graph.py``
enforces."""
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / 'docs' / 'architecture.md'
ROW = re.compile(r'^\| (\d+) \| (.+?) \|', re.M)
FOLDER = re.compile(r'`mmtin/([\w/.]+?)/?`')


def _import_graph_layers():
    spec = importlib.util.spec_from_file_location(
        'import_graph_test', ROOT / 'tests' / 'test_import_graph.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LAYERS


def _doc_layers():
    """``{'models/layers': 1, 'ops': 0, ...}`` from the table's rows."""
    layers = {}
    for layer, cell in ROW.findall(DOC.read_text()):
        for name in FOLDER.findall(cell):
            layers[name.rstrip('/').removesuffix('.py')] = int(layer)
    return layers


def test_every_package_folder_is_in_the_table():
    folders = {
        str(p.parent.relative_to(ROOT / 'mmtin'))
        for p in (ROOT / 'mmtin').rglob('__init__.py')
        if '.mim' not in p.parts and p.parent != ROOT / 'mmtin'
    }
    assert folders >= {'models/detectors', 'study', 'apis'}  # sanity
    missing = folders - set(_doc_layers())
    assert not missing, f'docs/architecture.md lacks {sorted(missing)}'


def test_table_layers_are_those_the_import_test_enforces():
    doc = _doc_layers()
    for index, names in enumerate(_import_graph_layers()):
        for name in names:
            if not (ROOT / 'mmtin' / name).is_dir():
                name_py = f'{name}.py'
                assert (ROOT / 'mmtin' / name_py).is_file(), name
            top = [k for k in doc if k.split('/')[0] == name]
            assert top, f'docs/architecture.md has no row for {name}'
            for key in top:
                assert doc[key] == index, (
                    f'docs/architecture.md puts mmtin/{key} in layer '
                    f'{doc[key]}; tests/test_import_graph.py in {index}')
