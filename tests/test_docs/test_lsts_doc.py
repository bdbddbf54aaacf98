# Copyright (c) OpenMMLab. All rights reserved.
"""Every ```python block of docs/lsts.md runs as-is (from the repo root)."""
import os
import re

import pytest

from conftest import REPO_ROOT

DOC = REPO_ROOT / 'docs' / 'lsts.md'
BLOCKS = re.findall(r'```python\n(.*?)```', DOC.read_text(), re.S)


def test_doc_has_snippets():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize('index', range(len(BLOCKS)))
def test_snippet_runs(index, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    exec(compile(BLOCKS[index], f'docs/lsts.md[{index}]', 'exec'),
         {'__name__': '__lsts_doc__'})
    assert os.getcwd() == str(REPO_ROOT)
