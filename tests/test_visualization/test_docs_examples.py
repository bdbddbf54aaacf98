# Copyright (c) OpenMMLab. All rights reserved.
"""docs/visualization.md shows one committed example per picture kind
(and of ``--show-dir``), small enough for the repository, each with the
command that makes it."""
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmtin.visualization import KINDS

DOCS = Path(__file__).resolve().parents[2] / 'docs'
PAGE = (DOCS / 'visualization.md').read_text()


@pytest.mark.parametrize('name', sorted(KINDS) + ['show_dir'])
def test_example_picture(name):
    path = DOCS / 'visualization' / f'{name}.png'
    assert path.stat().st_size < 150 * 1024, path
    assert f'](visualization/{name}.png)' in PAGE
    pixels = np.asarray(Image.open(path).convert('RGB'), dtype=np.float32)
    assert pixels.std() > 20


@pytest.mark.parametrize('kind', sorted(KINDS))
def test_every_kind_has_a_command(kind):
    assert re.search(rf'python tools/visualize\.py {kind} ', PAGE), kind


def test_linked_from_the_index():
    assert '(visualization.md)' in (DOCS / 'index.md').read_text()
