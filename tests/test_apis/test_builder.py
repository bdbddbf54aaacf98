# Copyright (c) OpenMMLab. All rights reserved.
"""``mmtin.apis.build_recognizer``: one builder for a path, a Config or a
model dict; no downloads; checkpoint and deploy form."""
import pytest
import torch
from export_tiny_configs import write_config
from mmengine.config import Config

import mmtin  # noqa: F401
from mmtin.apis import build_recognizer, prepare_model_cfg
from mmtin.models.utils import is_deployed


@pytest.fixture(scope='module')
def tin_config(tmp_path_factory):
    return write_config(tmp_path_factory.mktemp('tin'), 'tin')


def test_path_config_and_dict_build_the_same_model(tin_config):
    from_path = build_recognizer(tin_config)  # pretrained= download removed
    cfg = Config.fromfile(tin_config)
    assert cfg.model.backbone.pretrained == 'torchvision://resnet18'
    from_cfg = build_recognizer(cfg)
    assert cfg.model.backbone.pretrained == 'torchvision://resnet18'  # kept
    from_dict = build_recognizer(dict(cfg.model))
    assert from_path.cfg.filename == tin_config  # as init_recognizer
    assert not hasattr(from_dict, 'cfg')
    for model in (from_path, from_cfg, from_dict):
        assert type(model.backbone).__name__ == 'TINResNet'
        assert not model.training
        assert model.backbone.pretrained is None


def test_bad_config_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='no_such.py'):
        build_recognizer(str(tmp_path / 'no_such.py'))
    with pytest.raises(TypeError, match='got int'):
        build_recognizer(3)
    with pytest.raises(KeyError, match='no `model`'):
        build_recognizer(Config(dict(x=1)))


def test_checkpoint_loads_and_deploy_converts(tin_config, tmp_path):
    model = build_recognizer(tin_config)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.5)
    ckpt = tmp_path / 'tin.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    loaded = build_recognizer(tin_config, checkpoint=str(ckpt))
    for (name, a), b in zip(model.state_dict().items(),
                            loaded.state_dict().values()):
        assert torch.equal(a, b), name
    fresh = build_recognizer(tin_config, checkpoint='none')
    assert not torch.equal(fresh.cls_head.fc_cls.weight,
                           model.cls_head.fc_cls.weight)
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        build_recognizer(tin_config, checkpoint=str(tmp_path / 'missing.pth'))
    tdn_config = write_config(tmp_path, 'tdn')
    assert not is_deployed(build_recognizer(tdn_config))
    deployed = build_recognizer(tdn_config, deploy=True)
    assert is_deployed(deployed) and not deployed.training


def test_prepare_model_cfg_copies_and_errors():
    cfg = Config(
        dict(model=dict(type='Recognizer2D', backbone=dict(
            type='ResNet', depth=18, pretrained='x.pth'))))
    model_cfg, changed = prepare_model_cfg(cfg, num_segments=2)
    assert model_cfg['backbone']['pretrained'] is None
    assert cfg.model.backbone.pretrained == 'x.pth'  # original untouched
    assert changed == ['backbone.pretrained']
    with pytest.raises(KeyError, match='no `model`'):
        prepare_model_cfg(Config(dict(x=1)))
