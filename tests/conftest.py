# Copyright (c) OpenMMLab. All rights reserved.
"""Shared fixtures.

The tests own their media: :func:`media_root` writes real videos (H.264 mp4,
MPEG-4 avi, VP9 webm, an mp4 with an AAC track) and a label map with PyAV
once per session (see ``tests/media.py``), so the suite runs from a plain
clone. The project's shared sample videos (``../shared/data/videos`` beside
the checkout, or ``MMTIN_SHARED_DIR``) are only an extra: when present,
:func:`sample_videos` adds them to the files decoded by the media tests.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch


REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(
    os.environ.get('MMTIN_SHARED_DIR', REPO_ROOT.parent / 'shared'))

# subprocesses (tools/*.py, demo/*.py) import this checkout's mmtin, like
# the tests do, whatever else is installed
os.environ['PYTHONPATH'] = os.pathsep.join(
    [str(REPO_ROOT)] + [p for p in os.environ.get('PYTHONPATH', '').split(
        os.pathsep) if p and p != str(REPO_ROOT)])

# a 2-core machine runs the suite: keep intra-op threads modest, one per
# process when pytest-xdist runs several workers (the README's `-n 2`)
torch.set_num_threads(1 if os.environ.get('PYTEST_XDIST_WORKER') else min(
    2, torch.get_num_threads()))


@pytest.fixture(scope='session')
def media_root(tmp_path_factory) -> Path:
    """Generated media in the shared folder's layout: ``data/videos/``
    (``demo.mp4``, ``test.mp4``, ``test.avi``, ``test.webm``,
    ``audio.mp4``) and ``data/label_map_k400.txt``.

    Written in a fresh interpreter: once decord is imported (any MMAction2
    video pipeline does), its bundled FFmpeg libraries shadow PyAV's and
    libvpx's VP9 encoder fails to open (``avcodec_open2 ... returned 22``).
    """
    root = tmp_path_factory.mktemp('media')
    subprocess.run(
        [sys.executable, '-c',
         'import sys, media; media.write_media_set(sys.argv[1])',
         str(root)],
        cwd=str(Path(__file__).parent), check=True)
    return root


@pytest.fixture(scope='session')
def shared_dir(media_root) -> Path:
    """Folder with ``data/videos`` and ``data/label_map_k400.txt``: the
    generated media (never the optional shared folder, so that results do
    not depend on what lies beside the checkout)."""
    return media_root


@pytest.fixture(scope='session')
def video_dir(media_root) -> Path:
    return media_root / 'data' / 'videos'


@pytest.fixture(scope='session')
def sample_videos(video_dir) -> list:
    """Every generated video, plus the shared sample videos when present."""
    files = sorted(video_dir.iterdir())
    real = SHARED_DIR / 'data' / 'videos'
    if real.is_dir():
        files += sorted(p for p in real.iterdir() if p.is_file())
    return files


@pytest.fixture(scope='session')
def repo_root() -> Path:
    return REPO_ROOT
