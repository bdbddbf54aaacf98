# Copyright (c) OpenMMLab. All rights reserved.
"""``mmtin.apis.load_checkpoint``: strict by default; a checkpoint of
another architecture fails naming its keys (first few, counts) unless
``strict=False``."""
import pytest
import torch
from export_tiny_configs import write_config

import mmtin  # noqa: F401
from mmtin.apis import (CheckpointMismatchError, build_recognizer,
                        load_checkpoint)


def test_other_architecture_fails_naming_keys(tmp_path):
    tin_config = write_config(tmp_path, 'tin')
    tdn = build_recognizer(write_config(tmp_path, 'tdn'))
    ckpt = tmp_path / 'tdn.pth'
    torch.save(dict(state_dict=tdn.state_dict()), ckpt)
    with pytest.raises(CheckpointMismatchError) as info:
        build_recognizer(tin_config, checkpoint=str(ckpt))
    msg = str(info.value)
    assert 'tdn.pth' in msg and 'Recognizer2D' in msg
    assert 'missing key(s)' in msg and 'unexpected key(s)' in msg
    assert 'more)' in msg  # first few only, with the count of the rest
    assert 'strict=False' in msg
    # opting out loads what matches: the head has the same shape
    model = build_recognizer(tin_config, checkpoint=str(ckpt), strict=False)
    assert torch.equal(model.cls_head.fc_cls.weight,
                       tdn.cls_head.fc_cls.weight)


def test_load_checkpoint_names_shapes_and_strips_module(tmp_path):
    model = torch.nn.Sequential(torch.nn.Linear(3, 2))
    ckpt = tmp_path / 'plain.pth'
    state = {'module.' + k: v for k, v in model.state_dict().items()}
    torch.save(state, ckpt)  # a DataParallel state dict, no 'state_dict'
    load_checkpoint(model, str(ckpt))
    torch.save(dict(state_dict={'0.weight': torch.zeros(4, 3),
                                '0.bias': torch.zeros(2)}), ckpt)
    with pytest.raises(CheckpointMismatchError,
                       match=r'1 wrongly shaped.*0.weight \(4, 3\) vs '
                       r'\(2, 3\)'):
        load_checkpoint(model, str(ckpt))
