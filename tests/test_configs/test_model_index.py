# Copyright (c) OpenMMLab. All rights reserved.
"""``model-index.yml`` (what ``mim search mmtin`` reads): one metafile per
family, every config listed once, published numbers equal to the configs'
``zoo_info``."""
import glob
import os.path as osp

import pytest
import yaml
from mmengine.config import Config

import mmtin  # noqa: F401

FAMILIES = ('tin', 'tdn', 'movinet', 'resnet3d_rs', 'demo')


@pytest.fixture(scope='module')
def index(repo_root):
    with open(repo_root / 'model-index.yml') as f:
        return yaml.safe_load(f)


@pytest.fixture(scope='module')
def models(repo_root, index):
    found = {}
    for meta in index['Import']:
        with open(repo_root / meta) as f:
            data = yaml.safe_load(f)
        collections = {c['Name'] for c in data['Collections']}
        for model in data['Models']:
            assert model['In Collection'] in collections, model['Name']
            assert model['Name'] not in found, f'{model["Name"]} twice'
            found[model['Name']] = model
    return found


def test_every_metafile_is_imported(repo_root, index):
    on_disk = sorted(
        osp.relpath(p, repo_root)
        for p in glob.glob(str(repo_root / 'configs/metafiles/*.yml')))
    missing = sorted(set(on_disk) - set(index['Import']))
    assert not missing, (f'add to model-index.yml Import: {missing}')
    assert sorted(index['Import']) == on_disk
    assert {osp.basename(p)[:-4] for p in on_disk} >= set(FAMILIES)


def test_every_config_listed_once(repo_root, models):
    configs = sorted(
        osp.relpath(p, repo_root)
        for p in glob.glob(str(repo_root / 'configs/*.py')) +
        glob.glob(str(repo_root / 'configs/demo/[!_]*.py')))
    listed = sorted(m['Config'] for m in models.values())
    assert listed == configs
    for name, model in models.items():
        assert osp.basename(model['Config']) == f'{name}.py'


def test_published_numbers_match_configs(repo_root, models):
    for name, model in models.items():
        cfg = Config.fromfile(str(repo_root / model['Config']))
        zoo = cfg.get('zoo_info', None) or {}
        metrics = {}
        for result in model.get('Results', []):
            metrics.update(result['Metrics'])
        assert metrics.get('Top 1 Accuracy') == zoo.get('published_top1'), \
            name
        assert metrics.get('Top 5 Accuracy') == zoo.get('published_top5'), \
            name
        assert model['Metadata'].get('FLOPs (G)') == \
            zoo.get('published_gflops'), name
        if 'train_cfg' in cfg and 'max_epochs' in cfg.train_cfg:
            assert model['Metadata']['Epochs'] == cfg.train_cfg.max_epochs
