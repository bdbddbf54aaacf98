# Copyright (c) OpenMMLab. All rights reserved.
"""tools/train.py, tools/test.py and the dist_*.sh launchers, end to end.

A tiny TSM-R18 (2 segments of 32x32 frames) trains on the generated videos
of ``tests/media.py`` (H.264 mp4, MPEG-4 avi), run as subprocesses:
train 1 epoch -> ``--resume`` to epoch 2 -> test (``--dump``), plus the
two-process gloo launchers. This is the end-to-end proof that Runner
checkpoints load on torch >= 2.6 (weights-only ``torch.load``). Argument
handling that needs no training (``merge_args``, errors) is tested
in-process.
"""
import os
import pickle
import re
import socket
import subprocess
import sys
from argparse import Namespace

import pytest
import torch

import mmtin  # noqa: F401  (weights-only loading of Runner checkpoints)
import proc_helpers
from script_loader import load_script

CONFIG = '''
default_scope = 'mmaction'
custom_imports = dict(imports=['mmtin'], allow_failed_imports=False)
pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=2,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
dataset = dict(type='VideoDataset', ann_file={ann!r},
               data_prefix=dict(video={videos!r}), pipeline=pipeline)
train_dataloader = dict(
    batch_size=2, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True), dataset=dataset)
val_dataloader = dict(
    batch_size=2, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(dataset, test_mode=True))
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
model = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNetTSM', depth=18, num_segments=2,
                  pretrained=None, pretrained2d=False),
    cls_head=dict(type='TSMHead', num_classes=2, in_channels=512,
                  num_segments=2, dropout_ratio=0.0, average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           mean=[128., 128., 128.], std=[64., 64., 64.],
                           format_shape='NCHW'))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=2, val_interval=2)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9))
auto_scale_lr = dict(enable=False, base_batch_size=4)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=1),
    checkpoint=dict(type='CheckpointHook', interval=1))
env_cfg = dict(dist_cfg=dict(backend='nccl'))
'''


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _run(cmd, repo_root, **env):
    # CPU runs whatever the machine: the launchers are tested with gloo
    full_env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore',
                    CUDA_VISIBLE_DEVICES='')
    full_env.update({k: str(v) for k, v in env.items()})
    proc = proc_helpers.run(cmd, cwd=repo_root, env=full_env, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f'{cmd} failed:\n{out[-5000:]}'
    return proc.stdout, out


def _load_tool(repo_root, name):
    return load_script(f'tools/{name}.py')


def _state_dict(path):
    # weights-only, as tools/test.py and --resume load them
    return torch.load(path, map_location='cpu', weights_only=True)


@pytest.fixture(scope='module')
def setup(tmp_path_factory, video_dir):
    root = tmp_path_factory.mktemp('tools')
    ann = root / 'ann.txt'
    ann.write_text('demo.mp4 0\ntest.mp4 1\ntest.avi 0\ndemo.mp4 1\n')
    config = root / 'tiny_tsm.py'
    config.write_text(CONFIG.format(ann=str(ann), videos=str(video_dir)))
    return root, config


@pytest.fixture(scope='module')
def trained(setup, repo_root):
    """Epoch 1 of 2: --cfg-options stops it there, --auto-scale-lr halves
    the lr (2 videos per batch, base_batch_size 4)."""
    root, config = setup
    work_dir = root / 'work'
    _, out = _run([
        sys.executable, 'tools/train.py', str(config), '--work-dir',
        str(work_dir), '--seed', '0', '--auto-scale-lr', '--cfg-options',
        'train_cfg.max_epochs=1'
    ], repo_root)
    return work_dir, out


@pytest.fixture(scope='module')
def resumed(trained, setup, repo_root):
    work_dir, _ = trained
    _, config = setup
    _, out = _run([
        sys.executable, 'tools/train.py', str(config), '--work-dir',
        str(work_dir), '--seed', '0', '--resume'
    ], repo_root)
    return work_dir, out


@pytest.mark.slow
def test_train_one_epoch_with_options(trained):
    work_dir, out = trained
    assert (work_dir / 'epoch_1.pth').is_file()
    # --cfg-options train_cfg.max_epochs=1 (the config says 2)
    assert not (work_dir / 'epoch_2.pth').exists()
    # --auto-scale-lr: lr 0.01 * (1 process x 2) / 4
    assert 'Scaling the original LR by 0.5' in out
    assert re.search(r'Epoch\(train\) \[1\]\[2/2\]\s+lr: 5\.0000e-03', out)
    ckpt = _state_dict(work_dir / 'epoch_1.pth')
    assert ckpt['meta']['epoch'] == 1


@pytest.mark.slow
def test_resume_continues_from_epoch_1(trained, resumed):
    work_dir, out = resumed
    assert 'Auto resumed from the latest checkpoint' in out
    assert 'resumed epoch: 1, iter: 2' in out
    assert re.search(r'Epoch\(train\) \[2\]\[2/2\]', out)
    assert not re.search(r'Epoch\(train\) \[1\]\[', out)
    ckpt1 = _state_dict(work_dir / 'epoch_1.pth')
    ckpt2 = _state_dict(work_dir / 'epoch_2.pth')
    assert ckpt2['meta']['epoch'] == 2
    assert ckpt2['meta']['iter'] == 4
    w1 = ckpt1['state_dict']['cls_head.fc_cls.weight']
    w2 = ckpt2['state_dict']['cls_head.fc_cls.weight']
    assert not torch.equal(w1, w2)
    # the optimizer state was restored too (momentum buffers exist)
    assert ckpt2['optimizer']['state']


@pytest.mark.slow
def test_test_prints_accuracy_and_dumps(resumed, setup, repo_root):
    work_dir, _ = resumed
    root, config = setup
    dump = root / 'preds.pkl'
    stdout, _ = _run([
        sys.executable, 'tools/test.py', str(config),
        str(work_dir / 'epoch_2.pth'), '--work-dir',
        str(root / 'test_work'), '--dump', str(dump)
    ], repo_root)
    match = re.search(r'^acc/top1: (\d\.\d{4})$', stdout, re.M)
    assert match, stdout[-3000:]
    assert float(match.group(1)) in (0.0, 0.25, 0.5, 0.75, 1.0)
    assert re.search(r'^acc/mean1: ', stdout, re.M)
    with open(dump, 'rb') as f:
        preds = pickle.load(f)
    assert len(preds) == 4
    assert preds[0]['pred_score'].shape == (2, )


@pytest.mark.slow
def test_two_process_launchers(trained, setup, repo_root):
    work_dir, _ = trained
    root, config = setup
    dist_dir = root / 'dist'
    _, out = _run([
        'bash', 'tools/dist_train.sh', str(config), '2', '--work-dir',
        str(dist_dir), '--seed', '0', '--cfg-options',
        'train_cfg.max_epochs=1'
    ], repo_root, PORT=_free_port())
    assert 'Distributed training: True' in out
    assert 'GPU number: 2' in out  # the world size
    # 4 videos / 2 processes / batch 2: one iteration per epoch
    assert re.search(r'Epoch\(train\) \[1\]\[1/1\]', out)
    assert (dist_dir / 'epoch_1.pth').is_file()

    stdout, out = _run([
        'bash', 'tools/dist_test.sh', str(config),
        str(work_dir / 'epoch_1.pth'), '2', '--work-dir',
        str(root / 'dist_test')
    ], repo_root, PORT=_free_port())
    assert 'Distributed training: True' in out
    # printed once (by rank 0)
    assert len(re.findall(r'^acc/top1: \d\.\d{4}$', stdout, re.M)) == 1


# ---- in-process: argument handling ----


def _train_args(**kwargs):
    args = dict(config='configs/x.py', work_dir=None, resume=None, amp=False,
                no_validate=False, auto_scale_lr=False, seed=None,
                diff_rank_seed=False, deterministic=False, cfg_options=None,
                launcher='none')
    args.update(kwargs)
    return Namespace(**args)


def test_train_merge_args(setup, repo_root):
    from mmengine.config import Config
    train = _load_tool(repo_root, 'train')
    _, config = setup

    cfg = train.merge_args(Config.fromfile(str(config)), _train_args())
    assert cfg.work_dir == os.path.join('./work_dirs', 'x')
    assert cfg.randomness == dict(seed=None, diff_rank_seed=False,
                                  deterministic=False)
    assert 'resume' not in cfg and not cfg.auto_scale_lr.enable

    cfg = train.merge_args(
        Config.fromfile(str(config)),
        _train_args(work_dir='w', resume='auto', amp=True, no_validate=True,
                    auto_scale_lr=True, seed=3, cfg_options={
                        'train_cfg.max_epochs': 5}))
    assert cfg.work_dir == 'w'
    assert cfg.resume is True and cfg.load_from is None
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    assert cfg.val_cfg is None and cfg.val_dataloader is None
    assert cfg.val_evaluator is None
    assert cfg.auto_scale_lr.enable is True
    assert cfg.randomness.seed == 3
    assert cfg.train_cfg.max_epochs == 5

    cfg = train.merge_args(
        Config.fromfile(str(config)), _train_args(resume='some/ckpt.pth'))
    assert cfg.resume is True and cfg.load_from == 'some/ckpt.pth'
    # load_from is checked strictly (StrictLoadHook), --non-strict opts out
    assert cfg.custom_hooks[-1] == dict(type='StrictLoadHook', strict=True)
    cfg = train.merge_args(Config.fromfile(str(config)), _train_args(
        non_strict=True))
    assert cfg.custom_hooks[-1] == dict(type='StrictLoadHook', strict=False)
    assert train.parse_args([str(config), '--non-strict']).non_strict

    parsed = train.parse_args([str(config), '--resume', '--local-rank', '1'])
    assert parsed.resume == 'auto' and parsed.local_rank == 1


def test_train_errors_name_the_problem(setup, repo_root, tmp_path,
                                      monkeypatch):
    from mmengine.config import Config
    train = _load_tool(repo_root, 'train')
    _, config = setup
    cfg = Config.fromfile(str(config))
    cfg.pop('auto_scale_lr')
    with pytest.raises(ValueError, match='auto_scale_lr'):
        train.merge_args(cfg, _train_args(auto_scale_lr=True))

    cfg = Config.fromfile(str(config))
    cfg.optim_wrapper.type = 'DeepSpeedOptimWrapper'
    with pytest.raises(ValueError, match='DeepSpeedOptimWrapper'):
        train.merge_args(cfg, _train_args(amp=True))

    missing = str(tmp_path / 'nope.py')
    with pytest.raises(FileNotFoundError, match='nope.py'):
        train.main([missing])

    monkeypatch.setattr(train, 'get_device', lambda: 'cpu')
    with pytest.raises(ValueError, match='--amp needs a GPU'):
        train.main([str(config), '--amp'])


def test_test_merge_args_and_errors(setup, repo_root, tmp_path):
    from mmengine.config import Config
    test = _load_tool(repo_root, 'test')
    _, config = setup
    args = test.parse_args([str(config), 'ck.pth', '--dump', 'out.pkl',
                            '--cfg-options', 'test_dataloader.batch_size=1'])
    cfg = test.merge_args(Config.fromfile(str(config)), args)
    assert cfg.load_from == 'ck.pth'
    assert cfg.test_evaluator == [
        dict(type='AccMetric'),
        dict(type='DumpResults', out_file_path='out.pkl')
    ]
    assert cfg.test_dataloader.batch_size == 1
    assert cfg.work_dir == os.path.join('./work_dirs', 'tiny_tsm')

    args = test.parse_args([str(config), 'ck.pth', '--dump', 'out.json'])
    with pytest.raises(ValueError, match='out.json'):
        test.merge_args(Config.fromfile(str(config)), args)
    # --show turns on (and adds) the fixed visualization hook; a foreign
    # hook type there is named (tests/test_tools/test_test_show_dir.py)
    args = test.parse_args([str(config), 'ck.pth', '--show'])
    cfg = test.merge_args(Config.fromfile(str(config)), args)
    assert cfg.default_hooks.visualization.type == 'VideoVisualizationHook'
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        test.main([str(config), str(tmp_path / 'missing.pth')])


def test_format_metrics(repo_root):
    test = _load_tool(repo_root, 'test')
    text = test.format_metrics({
        'acc/top1': torch.tensor(0.5).numpy(),
        'acc/mean1': 0.123456,
        'per_class': [1, 2]
    })
    assert text.splitlines() == [
        'acc/top1: 0.5000', 'acc/mean1: 0.1235', 'per_class: [1, 2]'
    ]


# ---- launch scripts without a cluster ----


def test_slurm_scripts_build_the_srun_command(tmp_path, repo_root):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    srun = bin_dir / 'srun'  # a stand-in that prints what it was given
    srun.write_text('#!/usr/bin/env bash\n'
                    'echo "PYTHONPATH=$PYTHONPATH"\necho "ARGS $*"\n')
    srun.chmod(0o755)
    env = dict(PATH=f'{bin_dir}{os.pathsep}{os.environ["PATH"]}', GPUS=4,
               GPUS_PER_NODE=2, CPUS_PER_TASK=3, SRUN_ARGS='--qos=low -N 2')
    srun_args = ('-p part --job-name=job --gres=gpu:2 --ntasks=4 '
                 '--ntasks-per-node=2 --cpus-per-task=3 --kill-on-bad-exit=1 '
                 '--qos=low -N 2 python -u')
    tools = repo_root / 'tools'

    stdout, _ = _run(['bash', 'tools/slurm_train.sh', 'part', 'job',
                      'cfg.py', 'wd', '--seed', '1'], repo_root, **env)
    assert f'ARGS {srun_args} {tools}/train.py cfg.py --work-dir=wd ' \
        '--launcher=slurm --seed 1\n' in stdout
    assert f'PYTHONPATH={repo_root}' in stdout

    stdout, _ = _run(['bash', 'tools/slurm_test.sh', 'part', 'job',
                      'cfg.py', 'ck.pth', '--dump', 'x.pkl'], repo_root,
                     **env)
    assert f'ARGS {srun_args} {tools}/test.py cfg.py ck.pth ' \
        '--launcher=slurm --dump x.pkl\n' in stdout


@pytest.mark.parametrize('script, args', [
    ('dist_train.sh', ['cfg.py']),
    ('dist_test.sh', ['cfg.py', 'ck.pth']),
    ('slurm_train.sh', ['part', 'job', 'cfg.py']),
    ('slurm_test.sh', ['part', 'job', 'cfg.py']),
])
def test_scripts_print_usage(repo_root, script, args):
    proc = subprocess.run(['bash', f'tools/{script}', *args],
                          cwd=repo_root, capture_output=True, text=True)
    assert proc.returncode == 2
    assert 'usage' in proc.stderr


def test_test_rejects_another_architecture(setup, repo_root, tmp_path):
    """Weights of another model used to test 'successfully' (a random
    model's accuracy); now the error lists the keys, --non-strict opts
    out."""
    from mmtin.apis import CheckpointMismatchError
    test = _load_tool(repo_root, 'test')
    _, config = setup
    other = tmp_path / 'tsn_r50.pth'
    torch.save({'state_dict': {
        'backbone.layer1.0.conv3.conv.weight': torch.zeros(256, 64, 1, 1),
        'cls_head.fc_cls.weight': torch.zeros(400, 2048)}}, other)
    work = str(tmp_path / 'work')
    with pytest.raises(CheckpointMismatchError) as info:
        test.main([str(config), str(other), '--work-dir', work])
    message = str(info.value)
    assert 'missing key(s): backbone.conv1.conv.weight' in message
    assert ('1 unexpected key(s): backbone.layer1.0.conv3.conv.weight'
            in message)
    assert 'cls_head.fc_cls.weight (400, 2048) vs (2, 512)' in message
    assert '--non-strict' in message
    # a config that initialises from another model on purpose
    # (checkpoint_strict = False for its load_from) still tests strictly
    with pytest.raises(CheckpointMismatchError):
        test.main([str(config), str(other), '--work-dir', work,
                   '--cfg-options', 'checkpoint_strict=False'])
    test.main([str(config), str(other), '--work-dir', work, '--non-strict'])
