# Copyright (c) OpenMMLab. All rights reserved.
"""SearchSpace: parsing, conditional keys, bad domains, resolution."""
import optuna
import pytest
from mmengine.config import Config

from mmtin.search import SearchSpace, SearchSpaceError, set_key

BASE = dict(
    model=dict(
        backbone=dict(type='ResNetTSM', depth=18, num_segments=8),
        cls_head=dict(type='TSMHead', num_segments=8, is_shift=True)),
    train_pipeline=[
        dict(type='DecordInit'),
        dict(type='SampleFrames', clip_len=1, num_clips=8)
    ],
    optim_wrapper=dict(optimizer=dict(type='AdamW', lr=1e-3)))

SPACE = dict(
    model=dict(type='categorical', choices=dict(
        TSM=dict(model=dict(backbone=dict(num_segments='${seg}'))),
        TDN=dict(
            model=dict(backbone=dict(
                _delete_=True, type='TDNResNet', depth=18,
                num_segments='${seg}', clip_len='${clip_len}'),
                cls_head=dict(is_shift=False)),
            **{'train_pipeline.1.clip_len': '${clip_len}'}))),
    seg=dict(type='categorical', choices=[4, 8],
             keys=['model.cls_head.num_segments',
                   'train_pipeline.1.num_clips']),
    clip_len=dict(type='int', low=3, high=5, step=2,
                  condition=dict(model='TDN')),
    lr=dict(type='float', low=1e-4, high=1e-2, log=True,
            keys='optim_wrapper.optimizer.lr'),
)


def _sample_many(space, n=30):
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(0))
    out = []
    for _ in range(n):
        trial = study.ask()
        out.append(space.sample(trial))
        study.tell(trial, 0.0)
    return out


def test_conditional_key_only_when_condition_holds():
    space = SearchSpace(SPACE)
    samples = _sample_many(space)
    assert {p['model'] for p in samples} == {'TSM', 'TDN'}
    for p in samples:
        assert ('clip_len' in p) == (p['model'] == 'TDN')
        assert 1e-4 <= p['lr'] <= 1e-2 and p['seg'] in (4, 8)
        if 'clip_len' in p:
            assert p['clip_len'] in (3, 5)


def test_resolve_fragments_keys_and_placeholders():
    space = SearchSpace(SPACE)
    base = Config(BASE)
    tdn = space.resolve(base, dict(model='TDN', seg=4, clip_len=5, lr=3e-3))
    # fragment replaced the backbone (_delete_), placeholders filled
    assert tdn.model.backbone == dict(type='TDNResNet', depth=18,
                                      num_segments=4, clip_len=5)
    assert tdn.model.cls_head == dict(type='TSMHead', num_segments=4,
                                      is_shift=False)
    assert tdn.train_pipeline[1] == dict(type='SampleFrames', clip_len=5,
                                         num_clips=4)
    assert tdn.optim_wrapper.optimizer.lr == 3e-3
    tsm = space.resolve(base, dict(model='TSM', seg=8, lr=1e-4))
    assert tsm.model.backbone == dict(type='ResNetTSM', depth=18,
                                      num_segments=8)
    assert tsm.train_pipeline[1]['clip_len'] == 1
    assert base.model.backbone.type == 'ResNetTSM'  # base untouched
    assert base.optim_wrapper.optimizer.lr == 1e-3


def test_placeholder_of_inactive_param_is_an_error():
    space = SearchSpace(SPACE)
    with pytest.raises(SearchSpaceError, match=r'clip_len.*not sampled'):
        # clip_len missing although model=TDN uses ${clip_len}
        space.resolve(Config(BASE), dict(model='TDN', seg=4, lr=1e-3))


@pytest.mark.parametrize('name, domain, match', [
    ('lr', dict(type='float', low=0.0, high=1.0, log=True), 'low > 0'),
    ('lr', dict(type='float', low=1.0, high=0.5), 'low < high'),
    ('depth', dict(type='int', low=18, high=50.5), 'high must be'),
    ('wd', dict(type='uniform', low=0, high=1), 'type must be one of'),
    ('aug', dict(type='categorical', choices=[]), 'choices is empty'),
    ('aug', dict(type='categorical'), 'needs choices'),
    ('aug', dict(type='categorical', choices=[dict(a=1)]), 'None/bool'),
    ('aug', dict(type='categorical', choices=dict(a=[1])), 'aug.choices.a'),
    ('seg', dict(type='int', low=2, high=8, log=True, step=2), 'step and'),
    ('seg', dict(type='int', low=2, high=8, stepp=2), 'unknown field'),
    ('seg', dict(type='int', low=2, high=8, keys=[3]), 'keys must be'),
    ('seg', dict(type='int', low=2, high=8, condition=dict(later=1)),
     "names 'later'"),
])
def test_bad_domains_are_rejected_with_the_key_named(name, domain, match):
    with pytest.raises(SearchSpaceError) as info:
        SearchSpace({name: domain})
    assert f'search.space.{name}' in str(info.value)
    assert match in str(info.value)


def test_condition_value_must_be_a_choice():
    space = dict(model=dict(type='categorical', choices=['TSM', 'TDN']),
                 clip=dict(type='categorical', choices=[5],
                           condition=dict(model='TDNN')))
    with pytest.raises(SearchSpaceError, match=r'search.space.clip.*TDNN'):
        SearchSpace(space)


def test_set_key_needs_an_existing_parent():
    cfg = Config(BASE)
    set_key(cfg, 'train_pipeline.1.frame_interval', 2)  # new leaf: fine
    assert cfg.train_pipeline[1]['frame_interval'] == 2
    with pytest.raises(SearchSpaceError, match=r"'model.neck' does not"):
        set_key(cfg, 'model.neck.in_channels', 3, 'space.x')
    with pytest.raises(SearchSpaceError, match='index'):
        set_key(cfg, 'train_pipeline.7', dict(type='Flip'), 'space.x')


def test_check_params_for_enqueued_trials():
    space = SearchSpace(SPACE)
    active = space.check_params(
        dict(model='TSM', seg=8, lr=1e-3, clip_len=5))
    assert active == dict(model='TSM', seg=8, lr=1e-3)  # clip_len inactive
    with pytest.raises(SearchSpaceError, match='search.space.seg'):
        space.check_params(dict(model='TSM', seg=6, lr=1e-3))
    with pytest.raises(SearchSpaceError, match='unknown parameter'):
        space.check_params(dict(model='TSM', seg=8, lr=1e-3, wd=0.1))
