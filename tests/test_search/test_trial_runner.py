# Copyright (c) OpenMMLab. All rights reserved.
"""TrialRunner: a trial is a tools/train.py Runner run; pruning stops it."""
import optuna
import pytest
from mmengine.config import Config

from mmtin.search import TrialRunner, load_search_config
from script_loader import load_script
from search_helpers import make_dataset, make_search


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp('search_data'))


@pytest.mark.slow
def test_trial_resolution_and_a_complete_run(tmp_path, data_root):
    search_cfg = load_search_config(
        str(make_search(tmp_path, data_root, epochs=1)))
    runner = TrialRunner(search_cfg, load_script('tools/train.py'),
                         str(tmp_path / 'wd'))
    cfg = runner.resolve(dict(model='TSN', num_segments=2, lr=0.05))
    assert cfg.model.backbone == dict(type='ResNet', depth=18,
                                      pretrained=None)
    assert cfg.model.cls_head.is_shift is False
    assert cfg.optim_wrapper.optimizer.lr == 0.05

    study = optuna.create_study(direction='maximize')
    study.enqueue_trial(dict(model='TSM', num_segments=2, lr=0.02))
    trial = study.ask()
    value = runner(trial)
    study.tell(trial, value)
    frozen = study.trials[0]
    saved = Config.fromfile(frozen.user_attrs['config'])
    # the saved config is the resolved one, standalone
    assert saved.model.backbone.type == 'ResNetTSM'
    assert saved.model.backbone.num_segments == 2
    assert saved.optim_wrapper.optimizer.lr == 0.02
    assert frozen.user_attrs['epochs'] == 1
    assert frozen.intermediate_values == {1: value}
    assert 0.0 <= value <= 1.0
    assert frozen.user_attrs['checkpoint'].endswith('epoch_1.pth')


@pytest.mark.slow
def test_pruning_stops_the_trial_early(tmp_path, data_root):
    # 3 epochs, but a pruner that prunes any value below 1.1 at once
    search_cfg = load_search_config(
        str(make_search(tmp_path, data_root, epochs=3)))
    runner = TrialRunner(search_cfg, load_script('tools/train.py'),
                         str(tmp_path / 'wd'))
    study = optuna.create_study(
        direction='maximize',
        pruner=optuna.pruners.ThresholdPruner(lower=1.1))
    study.enqueue_trial(dict(model='TSM', num_segments=2, lr=0.02))
    trial = study.ask()
    with pytest.raises(optuna.TrialPruned, match='after step 1'):
        runner(trial)
    study.tell(trial, state=optuna.trial.TrialState.PRUNED)
    frozen = study.trials[0]
    assert frozen.user_attrs['epochs'] == 1  # stopped after epoch 1 of 3
    assert list(frozen.intermediate_values) == [1]
    assert frozen.user_attrs['checkpoint'].endswith('epoch_1.pth')
    assert not (tmp_path / 'wd' / 'trial_0000' / 'epoch_2.pth').exists()
