# Copyright (c) OpenMMLab. All rights reserved.
"""The one reader of registered-type defaults (config checks and model
analysis both use it)."""
import mmtin  # noqa: F401
from mmtin.utils.type_defaults import cfg_arg, type_defaults


def test_type_defaults_follow_kwargs_up_the_hierarchy():
    d = type_defaults('TINResNet')
    # own parameters, then ResNetTSM's / ResNet's through **kwargs
    assert d['num_segments'] == 8 and d['shift_div'] == 4
    assert d['pretrained2d'] is True
    assert 'pretrained' in d and d['pretrained'] is None
    assert d['depth'] is None  # required: no default
    assert 'kwargs' not in d and 'self' not in d
    # a class without **kwargs stops there
    assert 'num_segments' in type_defaults('TSMHead')
    assert type_defaults('NoSuchType') == {}
    assert type_defaults('nosuchscope.ResNet') == {}
    assert type_defaults(None) == {}


def test_cfg_arg_prefers_the_config():
    assert cfg_arg(dict(type='TDNResNet', num_segments=16),
                   'num_segments') == 16
    assert cfg_arg(dict(type='TDNResNet'), 'num_segments') == 8
    assert cfg_arg(dict(type='TDNResNet'), 'no_such_arg') is None
    assert cfg_arg(None, 'num_segments') is None
