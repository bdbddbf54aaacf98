# Copyright (c) OpenMMLab. All rights reserved.
"""``tools/analysis/gpu_check.sh`` without a GPU: a clear message, no
traceback, a non-zero exit, nothing written."""
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_gpu_check_fails_clearly_without_cuda(tmp_path):
    env = dict(os.environ, CUDA_VISIBLE_DEVICES='', PYTHON=sys.executable)
    out = tmp_path / 'out'
    proc = subprocess.run(
        ['bash', str(REPO_ROOT / 'tools/analysis/gpu_check.sh'), str(out)],
        capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2
    assert 'no CUDA device' in proc.stderr
    assert 'Traceback' not in proc.stdout + proc.stderr
    assert not out.exists()


def test_gpu_check_usage_without_out_dir():
    proc = subprocess.run(
        ['bash', str(REPO_ROOT / 'tools/analysis/gpu_check.sh')],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and 'usage' in proc.stderr
