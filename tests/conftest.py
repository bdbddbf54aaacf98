# Copyright (c) OpenMMLab. All rights reserved.
"""Shared fixtures. ``../shared`` (beside the checkout) holds real videos;
``MMTIN_SHARED_DIR`` overrides its location."""
import os
from pathlib import Path

import pytest
import torch

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(
    os.environ.get('MMTIN_SHARED_DIR', REPO_ROOT.parent / 'shared'))

# a 2-core machine runs the suite: keep intra-op threads modest
torch.set_num_threads(min(2, torch.get_num_threads()))


@pytest.fixture(scope='session')
def shared_dir() -> Path:
    """The project's shared data folder (videos, label map)."""
    if not (SHARED_DIR / 'data' / 'videos').is_dir():
        raise FileNotFoundError(
            f'shared data not found at {SHARED_DIR}; set MMTIN_SHARED_DIR')
    return SHARED_DIR


@pytest.fixture(scope='session')
def video_dir(shared_dir) -> Path:
    return shared_dir / 'data' / 'videos'


@pytest.fixture(scope='session')
def repo_root() -> Path:
    return REPO_ROOT
