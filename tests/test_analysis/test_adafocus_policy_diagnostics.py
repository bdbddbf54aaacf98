# Copyright (c) OpenMMLab. All rights reserved.
"""mmtin.analysis.adafocus_policy on a tiny study layout: a V1 model (random
weights) on generated small-object data, its patches against the targets,
the markdown, the pictures and the training curves."""
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch

from mmtin.analysis.adafocus_policy import (curve_summary,
                                            diagnostics_markdown,
                                            read_scalars, variant_diagnostics)
from mmtin.analysis.adafocus_policy_report import study_diagnostics
from script_loader import REPO_ROOT


@pytest.fixture(scope='module')
def study(tmp_path_factory):
    """``work/seed0/a_stage3`` (a finished stage: dumped config,
    checkpoint, stage.json, scalars) over 64 px data the pipeline resizes
    to 96 px."""
    from mmengine.config import Config

    from mmtin.apis import build_recognizer
    from mmtin.datasets.synthetic.small_object import \
        generate_small_object_dataset
    from mmtin.utils.config_walker import replace_data_root
    tmp = tmp_path_factory.mktemp('policy')
    data = str(tmp / 'data')
    generate_small_object_dataset(data, num_videos=12, frames=8, size=64,
                                  object_size=12, val_ratio=1 / 6,
                                  test_ratio=1 / 3)
    sdir = tmp / 'work' / 'seed0' / 'a_stage3'
    os.makedirs(sdir / '20260101_000000' / 'vis_data')
    cfg = Config.fromfile(str(REPO_ROOT / 'configs' / 'adafocus' /
                              'adafocus_v1_demo_stage3_finetune.py'))
    replace_data_root(cfg, data)
    cfg.dump(str(sdir / 'adafocus_v1_demo_stage3_finetune.py'))
    torch.manual_seed(0)
    model = build_recognizer(cfg)
    ckpt = str(sdir / 'epoch_1.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    with open(sdir / 'stage.json', 'w') as f:
        json.dump(dict(checkpoint=ckpt), f)
    with open(sdir / '20260101_000000' / 'vis_data' / 'scalars.json',
              'w') as f:
        for step, loss in ((5, 1.2), (10, 1.0)):
            f.write(json.dumps(dict(loss=loss, epoch=1, step=step)) + '\n')
        f.write(json.dumps(dict(acc=0.5, step=10)) + '\n')  # no epoch: val
    return dict(work=str(tmp / 'work'), data=data, tmp=tmp)


def test_variant_diagnostics(study):
    diag = variant_diagnostics(study['work'], study['data'], [0, 1])
    assert list(diag['per_seed']) == [0]  # seed 1 and (a2): not there
    assert diag['curves'][1] == {} and 'a_stage3/loss' in diag['curves'][0]
    res = diag['per_seed'][0]['a']
    assert 0 <= res['whole'] <= 1 and 0 <= res['area'] <= 1
    assert res['top1'] in (0, 0.25, 0.5, 0.75, 1)
    # 4 test videos, one per class
    assert sorted(res['whole_by_class']) == [0, 1, 2, 3]
    assert np.mean(list(res['whole_by_class'].values())) == \
        pytest.approx(res['whole'])
    # a class whose targets no patch holds: blind (random patches do)
    assert {k for k, v in res['whole_by_class'].items() if v == 0} <= \
        set(res['blind_classes'])
    assert bool(res['blind_classes']) == bool(diag['blind'])
    assert diag['sizes'] == dict(patch=40, target=18.0, frame=96,
                                 frames=16)
    assert diag['rendering_check']['max'] <= 3
    assert 0 < diag['random']['whole'] < 1
    assert diag['best_fixed']['whole'] >= diag['random']['whole']
    # the target boxes, scaled to the 96 px input, sit on the ring
    pic = diag['picture']
    for frames, boxes in zip(pic['frames'], pic['targets']):
        for img, (x, y) in zip(frames, boxes):
            ring = img[int(y) + 1, int(x) + 1].astype(int)
            assert ring.max() - ring.min() > 150  # red or blue, saturated
    seed, corners = pic['patches']['a']
    assert seed == 0 and np.asarray(corners).shape == (3, 4, 2)
    table = diagnostics_markdown(diag, [0, 1])
    assert '| (a) V1, PPO policy |' in table
    assert '| random patches (expected) |' in table
    assert 'by class (%, classes 0 / 1 / 2 / 3): a seed 0 ' in table
    assert 'best fixed position (oracle, corner' in table
    flag = 'yes' if res['collapsed'] else 'no'
    assert table.split('(a) V1')[1].split('\n')[0].endswith(f'{flag} / - |')


def test_study_diagnostics_writes_pictures(study):
    out = str(study['tmp'] / 'out')
    logged = []
    diag = study_diagnostics(study['work'], {'': study['data']}, [0], out,
                             log=logged.append)
    assert sorted(os.listdir(out)) == ['adafocus_evidence_curves.png',
                                       'adafocus_evidence_patches.png']
    assert 'adafocus_evidence_patches.png' in diag['markdown']['']
    json.dumps(diag['numbers'])  # JSON-ready
    assert len(logged) == len(diag['collapsed']) + len(diag['blind'])


def test_read_scalars(study):
    curves = read_scalars(osp.join(study['work'], 'seed0', 'a_stage3'))
    assert curves['loss'] == ([5, 10], [1.2, 1.0])
    assert 'acc' not in curves
    summary = curve_summary(osp.join(study['work'], 'seed0'))
    assert summary == {'a_stage3/loss': dict(first=1.2, last=1.0, n=2,
                                             last_step=10)}


def test_evidence_tool_diagnostics_only(study):
    from script_loader import load_script
    ev = load_script('tools/analysis/adafocus_evidence.py')
    out = study['tmp'] / 'only'
    diag = ev.main(['--diagnostics-only', '--work-dir', study['work'],
                    '--data-root', study['data'], '--out-dir', str(out),
                    '--seeds', '0'])
    assert sorted(os.listdir(out)) == [
        'adafocus_policy.json', 'adafocus_policy.md',
        'adafocus_policy_curves.png', 'adafocus_policy_patches.png']
    with open(out / 'adafocus_policy.json') as f:
        saved = json.load(f)
    assert saved['collapsed'] == diag['collapsed']
    assert saved['blind'] == diag['blind']
    assert set(saved['diagnostics']['']['per_seed']['0']) == {'a'}
    assert '| (a) V1, PPO policy |' in (out / 'adafocus_policy.md').read_text()
