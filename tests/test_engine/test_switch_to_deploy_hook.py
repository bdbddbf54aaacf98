# Copyright (c) OpenMMLab. All rights reserved.
"""The one deploy switch: ``model.deploy=True`` / ``tools/test.py --deploy``
(``SwitchToDeployHook``), ``build_recognizer`` and the demos' ``--deploy``.
"""
import logging
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config

import mmtin  # noqa: F401
from mmaction.registry import HOOKS
from mmtin.engine import SwitchToDeployHook, add_deploy_hook
from mmtin.models.utils import is_deployed, pop_deploy_flag
from mmtin.apis import build_recognizer
from script_loader import load_script

TDN = dict(
    type='Recognizer2D',
    backbone=dict(type='TDNResNet', depth=18, num_segments=2),
    cls_head=dict(type='TSMHead', num_classes=3, in_channels=512,
                  num_segments=2, is_shift=False,
                  consensus=dict(type='AvgConsensus', dim=1)))
TSN = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNet', depth=18, pretrained=None),
    cls_head=dict(type='TSNHead', num_classes=3, in_channels=512))


def test_pop_deploy_flag():
    cfg = dict(TDN, deploy=True)
    assert pop_deploy_flag(cfg) is True and 'deploy' not in cfg
    assert pop_deploy_flag(cfg) is False
    assert pop_deploy_flag(None) is False
    with pytest.raises(TypeError, match='model.deploy'):
        pop_deploy_flag(dict(TDN, deploy='yes'))


def test_add_deploy_hook_from_flag_and_config_key():
    cfg = Config(dict(model=dict(TDN, deploy=True),
                      custom_hooks=[dict(type='EpochSeedHook')]))
    assert add_deploy_hook(cfg) is True
    assert 'deploy' not in cfg.model  # stock recognizers build
    assert [h['type'] for h in cfg.custom_hooks] == [
        'EpochSeedHook', 'SwitchToDeployHook'
    ]
    assert add_deploy_hook(cfg, True) is True  # added once only
    assert len(cfg.custom_hooks) == 2
    cfg = Config(dict(model=dict(TDN)))
    assert add_deploy_hook(cfg) is False and 'custom_hooks' not in cfg
    assert add_deploy_hook(cfg, deploy=True) is True
    assert cfg.custom_hooks == [dict(type='SwitchToDeployHook')]
    assert HOOKS.get('SwitchToDeployHook') is SwitchToDeployHook


def test_hook_switches_the_loaded_model_before_test():
    model = build_recognizer(dict(TDN))
    x = torch.randn(1, 10, 3, 32, 32)
    with torch.no_grad():
        plain, _ = model.extract_feat(x, stage='head', test_mode=True)
    runner = SimpleNamespace(model=model, logger=logging.getLogger('t'))
    SwitchToDeployHook().before_test(runner)
    assert is_deployed(model)
    with torch.no_grad():
        deployed, _ = model.extract_feat(x, stage='head', test_mode=True)
    assert torch.allclose(deployed, plain, atol=1e-5)


def test_build_recognizer_reads_model_deploy():
    model = build_recognizer(dict(TDN, deploy=True))
    assert is_deployed(model) and not model.training
    # a stock MMAction2 recognizer: the key is popped, nothing to convert
    tsn = build_recognizer(dict(TSN, deploy=True))
    assert not is_deployed(tsn)


def test_test_tool_deploy_option(tmp_path):
    test = load_script('tools/test.py')
    config = tmp_path / 'tdn.py'
    config.write_text(f'model = {TDN!r}\n')
    args = test.parse_args([str(config), 'ck.pth', '--deploy'])
    cfg = test.merge_args(Config.fromfile(str(config)), args)
    strict = dict(type='StrictLoadHook', strict=True)  # always there
    assert cfg.custom_hooks == [strict, dict(type='SwitchToDeployHook')]
    args = test.parse_args([str(config), 'ck.pth', '--cfg-options',
                            'model.deploy=True'])
    cfg = test.merge_args(Config.fromfile(str(config)), args)
    assert cfg.custom_hooks == [strict, dict(type='SwitchToDeployHook')]
    assert 'deploy' not in cfg.model
    cfg = test.merge_args(Config.fromfile(str(config)),
                          test.parse_args([str(config), 'ck.pth']))
    assert cfg.custom_hooks == [strict]


@pytest.mark.parametrize('flag,key', [(True, False), (False, True)])
def test_demo_deploy(tmp_path, flag, key):
    demo = load_script('demo/demo.py')
    cfg = Config(dict(model=dict(TDN, deploy=True) if key else dict(TDN),
                      default_scope='mmaction'))
    model = demo.build_model(cfg, 'none', 'cpu', deploy=flag)
    assert is_deployed(model)
