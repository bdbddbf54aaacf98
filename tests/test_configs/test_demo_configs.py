# Copyright (c) OpenMMLab. All rights reserved.
"""configs/demo/*: stock pipeline over the generated demo data, models that
build from scratch, and the property the demo rests on: TSN's score does not
depend on the frame order, TSM's, TIN's and TDN's do."""
import copy

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmtin  # noqa: F401
from mmaction.registry import DATASETS, MODELS
from mmtin.datasets.synthetic.temporal_order import generate_demo_dataset

CONFIGS = ('tsm_r18_demo.py', 'tsn_r18_demo.py', 'tin_r18_demo.py',
           'tdn_r18_demo.py')
# frames per segment (TDN: 5 consecutive frames around each segment centre)
CLIP_LEN = {'tdn_r18_demo.py': 5}
STOCK_TRAIN = ['DecordInit', 'SampleFrames', 'DecordDecode',
               'RandomResizedCrop', 'Resize', 'FormatShape',
               'PackActionInputs']


def _load(repo_root, name):
    init_default_scope('mmaction')
    return Config.fromfile(str(repo_root / 'configs' / 'demo' / name))


def test_all_demo_configs_are_listed(repo_root):
    found = {p.name for p in (repo_root / 'configs' / 'demo').glob('*.py')}
    assert found == set(CONFIGS) | {'_base_demo.py'}


@pytest.mark.parametrize('name', CONFIGS)
def test_config_settings(repo_root, name):
    cfg = _load(repo_root, name)
    assert cfg.default_scope == 'mmaction'
    assert cfg.custom_imports == dict(
        imports=['mmtin'], allow_failed_imports=False)
    assert cfg.auto_scale_lr.enable is False
    assert cfg.auto_scale_lr.base_batch_size == \
        cfg.train_dataloader.batch_size
    assert [t['type'] for t in cfg.train_pipeline] == STOCK_TRAIN
    clip_len = CLIP_LEN.get(name, 1)
    sample = cfg.train_dataloader.dataset.pipeline[1]
    assert (sample.clip_len, sample.frame_interval, sample.num_clips) == (
        clip_len, 1, 8)
    test_sample = cfg.test_dataloader.dataset.pipeline[1]
    assert test_sample.test_mode
    assert (test_sample.clip_len, test_sample.num_clips) == (clip_len, 8)
    # the same input size and training budget for every demo model
    base = _load(repo_root, '_base_demo.py')
    resize = cfg.test_dataloader.dataset.pipeline[-3]
    assert resize.type == 'Resize' and resize.scale == (32, 32)
    assert cfg.train_cfg == base.train_cfg
    assert cfg.optim_wrapper == base.optim_wrapper
    assert cfg.param_scheduler == base.param_scheduler
    assert cfg.train_dataloader.batch_size == base.train_dataloader.batch_size
    assert cfg.model.cls_head.num_segments == 8
    assert cfg.default_hooks.checkpoint.type == 'AtomicCheckpointHook'
    assert [h['type'] for h in cfg.custom_hooks] == [
        'EpochSeedHook', 'ConfigCheckHook', 'BrokenVideoReportHook']
    for split in ('train', 'val', 'test'):
        dataset = cfg[f'{split}_dataloader'].dataset
        # MMAction2's VideoDataset, plus file/line errors for broken videos
        assert dataset.type == 'CheckedVideoDataset'
        assert dataset.ann_file == f'data/demo/{split}.txt'
        # a horizontal flip would swap the classes
        assert 'Flip' not in [t['type'] for t in dataset.pipeline]
    assert cfg.val_evaluator.type == cfg.test_evaluator.type == 'AccMetric'
    assert cfg.model.backbone.pretrained is None


@pytest.fixture(scope='module')
def demo_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('demo_data')
    generate_demo_dataset(str(root), num_videos=6, frames=16, size=64,
                          val_ratio=0.34, test_ratio=0.34)
    return root


@pytest.mark.parametrize('name', ['tsm_r18_demo.py', 'tdn_r18_demo.py'])
@pytest.mark.parametrize('split', ['train', 'test'])
def test_pipelines_on_generated_data(repo_root, demo_root, split, name):
    cfg = _load(repo_root, name)
    dataset_cfg = copy.deepcopy(cfg[f'{split}_dataloader'].dataset)
    dataset_cfg.ann_file = str(demo_root / f'{split}.txt')
    dataset_cfg.data_prefix = dict(video=str(demo_root))
    dataset = DATASETS.build(dataset_cfg)
    assert len(dataset) == 2
    packed = dataset[0]
    assert packed['inputs'].shape == (8 * CLIP_LEN.get(name, 1), 3, 32, 32)
    labels = sorted(int(dataset[i]['data_samples'].gt_label)
                    for i in range(2))
    assert labels == [0, 1]


@pytest.mark.parametrize('name, order_matters', [
    ('tsn_r18_demo.py', False),
    ('tsm_r18_demo.py', True),
    ('tin_r18_demo.py', True),
    ('tdn_r18_demo.py', True),
])
def test_frame_order_sensitivity(repo_root, name, order_matters):
    cfg = _load(repo_root, name)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.eval()
    clip = torch.randn(1, 8 * CLIP_LEN.get(name, 1), 3, 32, 32)

    def scores(x):
        with torch.no_grad():
            feats = model.extract_feat(x, test_mode=True)[0]
            return model.cls_head(feats, num_segs=8)

    forward, backward = scores(clip), scores(clip.flip(1))
    assert forward.shape == (1, 2)
    if order_matters:
        # relative to the (tiny, init_std=0.001 head) logits
        assert (forward - backward).abs().max() > 1e-3 * forward.abs().max()
    else:
        torch.testing.assert_close(forward, backward, rtol=1e-4, atol=1e-6)
