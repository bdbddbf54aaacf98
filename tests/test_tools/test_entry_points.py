# Copyright (c) OpenMMLab. All rights reserved.
"""Entry points run from the installed package: no script of the
repository edits ``sys.path`` to find mmtin or a helper."""
import ast
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# rewritten on another branch; drop from here once they are merged


def _edits_sys_path(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr == 'path' and \
                isinstance(node.value, ast.Name) and node.value.id == 'sys':
            return True
    return False


def test_no_sys_path_bootstrap():
    scripts = [
        p for folder in ('tools', 'demo', 'tests', 'mmtin')
        for p in sorted((REPO_ROOT / folder).rglob('*.py'))
    ]
    assert len(scripts) > 100
    found = {
        str(p.relative_to(REPO_ROOT)) for p in scripts if _edits_sys_path(p)
    }
    assert found == set()


def test_the_checker_sees_a_bootstrap(tmp_path):
    script = tmp_path / 'x.py'
    script.write_text('import sys\nsys.path.insert(0, "..")\n')
    assert _edits_sys_path(script)
    script.write_text('import os.path as osp\nosp.join("a")\n')
    assert not _edits_sys_path(script)
