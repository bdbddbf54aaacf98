# Copyright (c) OpenMMLab. All rights reserved.
"""A truncated checkpoint's error names the file (Runner, load_checkpoint,
tools/convert_checkpoint.py); good checkpoints load as before."""
import sys

import pytest
import torch
from mmengine.runner import CheckpointLoader, load_checkpoint

import mmtin  # noqa: F401  (registers the naming loader)
from mmtin.compat.checkpoint_errors import CheckpointLoadError
from script_loader import load_script


@pytest.fixture
def checkpoints(tmp_path):
    model = torch.nn.Linear(4, 3)
    good = tmp_path / 'good.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict(epoch=1)), good)
    data = good.read_bytes()
    truncated = tmp_path / 'truncated.pth'
    truncated.write_bytes(data[:len(data) // 2])
    garbage = tmp_path / 'garbage.pth'
    garbage.write_bytes(b'not a checkpoint at all' * 10)
    return model, good, truncated, garbage


def test_truncated_checkpoint_names_the_file(checkpoints):
    model, _, truncated, garbage = checkpoints
    with pytest.raises(CheckpointLoadError) as info:
        load_checkpoint(torch.nn.Linear(4, 3), str(truncated))
    msg = str(info.value)
    assert str(truncated) in msg and 'truncated' in msg
    assert f'({truncated.stat().st_size} bytes)' in msg
    assert info.value.__cause__ is not None  # torch's error is kept
    with pytest.raises(CheckpointLoadError, match=str(garbage)):
        CheckpointLoader.load_checkpoint(str(garbage), map_location='cpu')


def test_good_and_missing_checkpoints_unchanged(checkpoints, tmp_path):
    model, good, _, _ = checkpoints
    fresh = torch.nn.Linear(4, 3)
    load_checkpoint(fresh, str(good))
    for a, b in zip(fresh.parameters(), model.parameters()):
        assert torch.equal(a, b)
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        load_checkpoint(fresh, str(tmp_path / 'missing.pth'))


def test_convert_checkpoint_tool_names_the_file(checkpoints, tmp_path,
                                                monkeypatch):
    _, _, truncated, _ = checkpoints
    tool = load_script('tools/convert_checkpoint.py')
    monkeypatch.setattr(sys, 'argv', [
        'convert_checkpoint.py', 'official-tin',
        str(truncated),
        str(tmp_path / 'out.pth')
    ])
    with pytest.raises(CheckpointLoadError, match=str(truncated)):
        tool.main()
