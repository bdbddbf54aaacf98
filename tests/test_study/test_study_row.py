# Copyright (c) OpenMMLab. All rights reserved.
"""mmtin.study.study_row: chains are checked when they are written."""
import pytest

from mmtin.study import Stage, StudyRow, StudyRowError
from mmtin.study.study_row import check_rows


@pytest.fixture
def cfg(tmp_path):
    path = tmp_path / 'c.py'
    path.write_text('x = 1\n')
    return str(path)


def test_chain_and_totals(cfg):
    row = StudyRow('a', [Stage('s0', cfg, 2),
                         Stage('s1', cfg, 3, init_from='s0',
                               init_key='model.backbone.init_cfg.checkpoint',
                               cfg_options=[('model.x', 1)])])
    assert row.epochs == 5 and row.label == 'a'
    assert row.stages[1].cfg_options == (('model.x', 1), )
    assert row.metrics == {'top1': 'acc/top1'}
    assert StudyRow('b', [Stage('s', cfg)]).epochs is None


def test_bad_rows_are_named(cfg, tmp_path):
    with pytest.raises(StudyRowError, match='config file not found'):
        Stage('s', str(tmp_path / 'missing.py'))
    with pytest.raises(StudyRowError, match='stage s: epochs'):
        Stage('s', cfg, 0)
    with pytest.raises(StudyRowError, match='needs validate=True'):
        Stage('s', cfg, test_checkpoint='best')
    with pytest.raises(StudyRowError, match="inits from 'later'"):
        StudyRow('r', [Stage('s', cfg, init_from='later'),
                       Stage('later', cfg)])
    with pytest.raises(StudyRowError, match='appears twice'):
        StudyRow('r', [Stage('s', cfg), Stage('s', cfg)])
    with pytest.raises(StudyRowError, match='no stages'):
        StudyRow('r', [])


def test_shared_stages_must_be_equal(cfg):
    a = StudyRow('a', [Stage('s0', cfg, 2), Stage('a1', cfg, 1, 's0')])
    b = StudyRow('b', [Stage('s0', cfg, 2), Stage('b1', cfg, 4, 's0')])
    check_rows([a, b])  # s0 is shared
    c = StudyRow('c', [Stage('s0', cfg, 3)])
    with pytest.raises(StudyRowError, match='stage s0 of row c differs'):
        check_rows([a, c])
    with pytest.raises(StudyRowError, match='two rows are named a'):
        check_rows([a, a])


def test_test_only_stage_from_several_stages(cfg):
    ens = Stage('ens', cfg, train=False,
                from_stages=[('m0', 'model.members.0.checkpoint'),
                             ('m1', 'model.members.1.checkpoint')])
    assert ens.from_stages == (('m0', 'model.members.0.checkpoint'),
                               ('m1', 'model.members.1.checkpoint'))
    assert ens.sources == ('m0', 'm1')
    row = StudyRow('r', [Stage('m0', cfg, 2),
                         Stage('m1', cfg, 2, seed_offset=1000), ens])
    assert row.stages[1].seed_offset == 1000
    with pytest.raises(StudyRowError, match="inits from 'm1'"):
        StudyRow('r', [Stage('m0', cfg, 2), ens])
    with pytest.raises(StudyRowError, match='must be the last stage'):
        StudyRow('r', [Stage('m0', cfg, 2), Stage('m1', cfg, 2), ens,
                       Stage('after', cfg, 1)])
    with pytest.raises(StudyRowError, match='not trained'):
        StudyRow('r', [Stage('m0', cfg, 2), Stage('m1', cfg, 2),
                       Stage('t', cfg, train=False),
                       Stage('x', cfg, 1, init_from='t')])
    with pytest.raises(StudyRowError, match='epochs and checkpoint'):
        Stage('s', cfg, 2, train=False)
    with pytest.raises(StudyRowError, match='pairs'):
        Stage('s', cfg, from_stages=[('m0', )])
    with pytest.raises(StudyRowError, match='seed_offset'):
        Stage('s', cfg, seed_offset=1.5)
