# Copyright (c) OpenMMLab. All rights reserved.
"""Two gloo processes follow the loss curve of one process.

``tools/dist_train.sh CONFIG 2`` with ``batch_size=2`` per process against
``tools/train.py`` with ``batch_size=4``: the same global batch of 4.

Why the global batches hold the same samples: ``DefaultSampler`` draws one
permutation from ``seed + epoch`` (the same seed in every process) and gives
rank ``r`` positions ``r, r + 2, r + 4, ...``; its ``i``-th batch of 2 is
positions ``4i + r`` and ``4i + 2 + r``, so iteration ``i`` of the two ranks
covers positions ``4i .. 4i + 3``, which is exactly batch ``i`` of the single
process (8 samples, no padding).

What is made equal on purpose: no normalisation layer (BatchNorm statistics
would be per process), no dropout and deterministic sampling (each process
has its own random streams), ``--seed 0 --deterministic``.

Tolerance: DDP averages the two per-process gradients (each the mean over 2
samples) where the single process backpropagates the mean over 4. That is
the same number in exact arithmetic; in float32 only the summation order
differs, about one rounding (6e-8 relative) per reduction and step. Over 6
SGD steps that stays far below the ``rtol=1e-5`` used for the loss curve
(measured: at most 4.3e-8). The final weights drift a little more (a bias
gradient sums ~16k products, so its rounding differs more): their check is
``max |w2 - w1| <= 1e-4 * max |w1|`` per tensor (measured: 3.9e-6). A real
bug (a rank seeing other samples, gradients summed rather than averaged,
unsynchronised weights) changes the loss by 1e-3 or more.
"""
import json
import socket

import pytest
import torch

import proc_helpers
import robustness_helpers as helpers

RTOL = 1e-5  # loss curve, elementwise
WEIGHT_RTOL = 1e-4  # final weights, relative to each tensor's largest entry


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _config(root, ann, name, batch_size):
    losses = root / f'{name}.jsonl'
    cfg = helpers.tiny_config(
        ann, ann.parent / 'videos', batch_size=batch_size, augment=False,
        dropout=0.0, extra_hooks=[dict(type='GlobalLossRecordHook',
                                       out=str(losses))])
    # mmtin.utils.setup_distributed sets the unscoped 'DeviceAwareDDP',
    # which MMEngine's Runner.wrap_model looks up in the root registry
    # (MODEL_WRAPPERS.get -> None -> TypeError) under default_scope
    # 'mmaction'; the scoped name works. Drop this line once it is fixed.
    cfg['model_wrapper_cfg'] = dict(type='mmaction.DeviceAwareDDP')
    return helpers.write_config(root / f'{name}.py', cfg), losses


def _curve(path):
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r['iter'] for r in rows] == list(range(6))
    return torch.tensor([r['loss'] for r in rows], dtype=torch.float64)


@pytest.mark.slow
def test_two_processes_match_one(tmp_path):
    ann = helpers.make_video_set(tmp_path / 'data')
    args = ['--seed', '0', '--deterministic']
    one_cfg, one_losses = _config(tmp_path, ann, 'one', batch_size=4)
    # tools/train.py main() in a fresh process forked from a warm server
    code, log = helpers.train_server().run(one_cfg, tmp_path / 'one')
    assert code == 0, log[-4000:]

    two_cfg, two_losses = _config(tmp_path, ann, 'two', batch_size=2)
    two = proc_helpers.run(
        ['bash', 'tools/dist_train.sh', str(two_cfg), '2', '--work-dir',
         str(tmp_path / 'two'), *args],
        cwd=helpers.REPO_ROOT, env=helpers.subprocess_env(PORT=_free_port()),
        timeout=300)
    assert two.returncode == 0, (two.stdout + two.stderr)[-4000:]
    assert 'Distributed training: True' in two.stdout + two.stderr
    assert 'GPU number: 2' in two.stdout + two.stderr  # = processes

    curve_one, curve_two = _curve(one_losses), _curve(two_losses)
    assert (curve_one.max() - curve_one.min()) > 1e-3  # it does train
    torch.testing.assert_close(curve_two, curve_one, rtol=RTOL, atol=0)
    final_one = helpers.load_state_dict(tmp_path / 'one' / 'epoch_3.pth')
    final_two = helpers.load_state_dict(tmp_path / 'two' / 'epoch_3.pth')
    for key, value in final_one.items():
        error = (final_two[key] - value).abs().max()
        assert error <= WEIGHT_RTOL * value.abs().max(), (key, error)
