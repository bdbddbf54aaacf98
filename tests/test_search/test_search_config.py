# Copyright (c) OpenMMLab. All rights reserved.
"""load_search_config: defaults, errors that name the bad setting, and the
shipped demo search config."""
import pytest

from mmtin.search import SearchSpaceError, load_search_config
from script_loader import REPO_ROOT


def _write(tmp_path, text):
    (tmp_path / 'base.py').write_text('model = dict(type="X")\n')
    path = tmp_path / 'search.py'
    path.write_text("base_config = 'base.py'\n" + text)
    return str(path)


def test_defaults_and_base_next_to_the_search_config(tmp_path):
    cfg = load_search_config(_write(
        tmp_path, "space = dict(lr=dict(type='float', low=0.1, high=1.0))"))
    assert cfg.base_config == str(tmp_path / 'base.py')
    assert cfg.metric == 'acc/top1' and cfg.direction == 'maximize'
    assert cfg.pruner['type'] == 'MedianPruner'
    assert list(cfg.search_space.domains) == ['lr']


@pytest.mark.parametrize('text, match', [
    ("space = dict(lr=dict(type='float', low=0, high=1, log=True))",
     'space.lr: a log domain needs low > 0'),
    ("space = dict(x=dict(type='int', low=1, high=2))\nnum_trials = 3",
     "unknown search-config key\\(s\\) \\['num_trials'\\]"),
    ("space = dict(x=dict(type='int', low=1, high=2))\n"
     "pruner = dict(type='MedianPrunr')", "pruner.type 'MedianPrunr'"),
    ("space = dict(x=dict(type='int', low=1, high=2))\n"
     "enqueue = [dict(x=7)]", 'space.x: value 7 is outside'),
    ("metric = 'acc/top1'", "`space` is required"),
])
def test_bad_search_configs_name_the_setting(tmp_path, text, match):
    with pytest.raises(SearchSpaceError, match=match):
        load_search_config(_write(tmp_path, text))


def test_demo_search_config():
    cfg = load_search_config(
        str(REPO_ROOT / 'configs/search/search_demo.py'))
    domains = cfg.search_space.domains
    assert domains['model']['choices'] == ['TSN', 'TSM', 'TIN', 'TDN']
    assert domains['clip_len']['condition'] == dict(model=['TDN'])
    assert len(cfg.enqueue) == 4 and cfg.n_trials == 12


@pytest.mark.parametrize('model', ['TSN', 'TSM', 'TIN', 'TDN', 'MoViNet'])
def test_demo_space_resolves_to_buildable_configs(model):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from mmaction.registry import MODELS
    from mmtin.search import SearchSpace, TrialRunner
    path = str(REPO_ROOT / 'configs/search/search_demo.py')
    cfg = load_search_config(path)
    # MoViNet is a fragment of the file that the demo space leaves out
    space = dict(Config.fromfile(path).to_dict()['space'])
    space['model'] = dict(
        type='categorical', choices=Config.fromfile(path)._models.to_dict())
    cfg['search_space'] = SearchSpace(space)

    params = dict(model=model, lr=2e-3, num_segments=4)
    if model == 'TDN':
        params['clip_len'] = 5
    resolved = TrialRunner(cfg).resolve(params)
    assert resolved.optim_wrapper.optimizer.lr == 2e-3
    assert resolved.train_cfg.max_epochs == 4
    assert resolved.param_scheduler[1]['T_max'] == 4
    sample = resolved.train_dataloader.dataset.pipeline[1]
    if model == 'MoViNet':
        assert (sample['clip_len'], sample['num_clips']) == (4, 1)
    else:
        assert sample['num_clips'] == 4
        assert resolved.model.cls_head.num_segments == 4
    if model == 'TDN':
        assert sample['clip_len'] == 5
        assert resolved.val_dataloader.dataset.pipeline[1]['type'] == \
            'TDNSampleFrames'
    init_default_scope('mmaction')
    recognizer = MODELS.build(resolved.model)
    backbone = resolved.model.backbone
    assert type(recognizer.backbone).__name__ == backbone.type
    if 'num_segments' in backbone:
        assert backbone.num_segments == 4
