# Copyright (c) OpenMMLab. All rights reserved.
"""Support for the robustness tests (not collected by pytest).

Tiny generated videos, a tiny 2D backbone without normalisation layers, a
config writer for ``tools/train.py`` runs, and two hooks for the training
subprocesses: one that stalls at a chosen iteration (so the test can
SIGKILL the run there) and one that records the loss averaged over all
ranks. Subprocess configs import this module through ``custom_imports``;
with ``ROBUSTNESS_BLOCK_WRITE`` set, checkpoint writes of a matching file
stall halfway (see :func:`_install_write_blocker`).
"""
import atexit
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
from mmaction.registry import HOOKS, MODELS
from mmengine.hooks import Hook
from torch import nn

import mmtin  # noqa: F401  (compat fixes, mmtin types)

REPO_ROOT = Path(__file__).resolve().parents[1]
TESTS_DIR = Path(__file__).resolve().parent
NUM_CLASSES = 4


def make_video(path, num_frames: int, size: int = 32, seed: int = 0):
    """Write a small mpeg4 video of a scrolling random texture."""
    import av
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
    with av.open(str(path), 'w') as out:
        stream = out.add_stream('mpeg4', rate=10)
        stream.width = stream.height = size
        stream.pix_fmt = 'yuv420p'
        for i in range(num_frames):
            frame = av.VideoFrame.from_ndarray(
                np.roll(base, i, axis=1), format='rgb24')
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return Path(path)


def make_video_set(root, num_videos: int = 8, num_frames: int = 16):
    """``num_videos`` videos in ``root/videos`` and ``root/ann.txt``."""
    root = Path(root)
    (root / 'videos').mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(num_videos):
        make_video(root / 'videos' / f'v{i}.mp4', num_frames, seed=i)
        lines.append(f'v{i}.mp4 {i % NUM_CLASSES}')
    ann = root / 'ann.txt'
    ann.write_text('\n'.join(lines) + '\n')
    return ann


@MODELS.register_module(force=True)
class RobustnessTinyNet(nn.Module):
    """Two 3x3 convolutions with ReLU, no normalisation: ``[N,3,H,W] ->
    [N,16,H/2,W/2]``."""

    def __init__(self, init_cfg=None):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU())

    def init_weights(self):
        pass

    def forward(self, x):
        return self.layers(x)


@HOOKS.register_module(force=True)
class StallAtIterHook(Hook):
    """Touch ``marker`` and sleep before iteration ``batch`` of ``epoch``."""

    def __init__(self, epoch: int, batch: int, marker: str):
        self.epoch, self.batch, self.marker = epoch, batch, marker

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.epoch == self.epoch and batch_idx == self.batch:
            Path(self.marker).write_text(str(os.getpid()))
            time.sleep(600)


@HOOKS.register_module(force=True)
class GlobalLossRecordHook(Hook):
    """Append ``{"iter", "loss"}`` (loss averaged over ranks) to ``out``."""

    def __init__(self, out: str):
        self.out = out

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        from mmengine.dist import all_reduce, get_rank
        loss = outputs['loss'].detach().clone().double()
        all_reduce(loss, op='mean')
        if get_rank() == 0:
            with open(self.out, 'a') as f:
                f.write(json.dumps(dict(iter=runner.iter, loss=loss.item())))
                f.write('\n')


def _install_write_blocker():
    """Stall checkpoint writes whose path contains $ROBUSTNESS_BLOCK_WRITE.

    Half of the bytes are written and flushed, then the marker file
    ($ROBUSTNESS_MARKER) appears and the process sleeps until killed.
    """
    pattern = os.environ.get('ROBUSTNESS_BLOCK_WRITE')
    if not pattern:
        return
    from mmengine.fileio.backends import LocalBackend
    original = LocalBackend.put

    def put(self, obj, filepath):
        if pattern not in osp.basename(str(filepath)):
            return original(self, obj, filepath)
        with open(filepath, 'wb') as f:
            f.write(obj[:len(obj) // 2])
            f.flush()
            os.fsync(f.fileno())
            Path(os.environ['ROBUSTNESS_MARKER']).write_text(str(filepath))
            time.sleep(600)

    LocalBackend.put = put


_install_write_blocker()


def tiny_config(ann_file, video_root, *, max_epochs=3, batch_size=4,
                num_workers=0, dropout=0.5, augment=True, extra_hooks=(),
                checkpoint_hook='AtomicCheckpointHook', max_keep_ckpts=-1,
                **dataset_kwargs):
    """A full training config (dict) for the tiny Recognizer2D."""
    pipeline = [
        dict(type='DecordInit'),
        dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=4,
             test_mode=not augment),
        dict(type='DecordDecode'),
        dict(type='Flip', flip_ratio=0.5 if augment else 0.0),
        dict(type='FormatShape', input_format='NCHW'),
        dict(type='PackActionInputs'),
    ]
    dataset = dict(type='CheckedVideoDataset', ann_file=str(ann_file),
                   data_prefix=dict(video=str(video_root)), pipeline=pipeline,
                   **dataset_kwargs)
    return dict(
        default_scope='mmaction',
        custom_imports=dict(imports=['mmtin', 'robustness_helpers'],
                            allow_failed_imports=False),
        model=dict(
            type='Recognizer2D',
            backbone=dict(type='RobustnessTinyNet'),
            cls_head=dict(type='TSNHead', num_classes=NUM_CLASSES,
                          in_channels=16, dropout_ratio=dropout,
                          init_std=0.1, average_clips='prob'),
            data_preprocessor=dict(type='ActionDataPreprocessor',
                                   mean=[127.5] * 3, std=[64.0] * 3,
                                   format_shape='NCHW')),
        train_dataloader=dict(
            batch_size=batch_size, num_workers=num_workers,
            persistent_workers=False,
            sampler=dict(type='DefaultSampler', shuffle=True),
            dataset=dataset),
        train_cfg=dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                       val_interval=max_epochs + 1),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9,
                                          weight_decay=1e-4)),
        param_scheduler=[dict(type='MultiStepLR', milestones=[2],
                              by_epoch=True, gamma=0.5)],
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=1),
            checkpoint=dict(type=checkpoint_hook, interval=1,
                            max_keep_ckpts=max_keep_ckpts)),
        custom_hooks=[dict(type='EpochSeedHook'),
                      dict(type='BrokenVideoReportHook'),
                      dict(type='ConfigCheckHook')] + list(extra_hooks),
        env_cfg=dict(cudnn_benchmark=False,
                     mp_cfg=dict(mp_start_method='fork',
                                 opencv_num_threads=0),
                     dist_cfg=dict(backend='gloo')),
        log_level='INFO', load_from=None, resume=False)


def write_config(path, cfg: dict) -> Path:
    from mmengine.config import Config
    Config(cfg).dump(str(path))
    return Path(path)


def subprocess_env(**extra) -> dict:
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [str(REPO_ROOT), str(TESTS_DIR)] +
        ([env['PYTHONPATH']] if env.get('PYTHONPATH') else []))
    env.update(OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
               PYTHONWARNINGS='ignore')
    env.update({k: str(v) for k, v in extra.items()})
    return env


def train_argv(config, work_dir, *args) -> list:
    """tools/train.py arguments of a deterministic run."""
    return [str(config), '--work-dir', str(work_dir), '--seed', '0',
            '--deterministic', *args]


class TrainServer:
    """Runs tools/train.py ``main(argv)`` in forked children of one process.

    Importing torch/mmengine/mmaction/mmtin takes most of a tiny run's time,
    so the server process (``python robustness_helpers.py``) imports them
    once and then forks one child per run: each child is a fresh process
    running ``tools/train.py``'s ``main`` with the given arguments and extra
    environment, its output going to ``log``. The server never computes, so
    forking it is safe. Children can be SIGKILLed by pid.
    """

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve())],
            cwd=REPO_ROOT, env=subprocess_env(), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, bufsize=1)

    def _call(self, **request) -> dict:
        self.proc.stdin.write(json.dumps(request) + '\n')
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise RuntimeError('the training server died')
        return json.loads(reply)

    def start(self, argv, log, **env) -> int:
        """Fork a run; returns its pid."""
        env = {k: str(v) for k, v in env.items()}
        return self._call(cmd='start', argv=argv, log=str(log), env=env)[
            'pid']

    def wait(self, pid: int, timeout: float = 300) -> int:
        """Wait for a run; returns its exit code (-9 when SIGKILLed)."""
        return self._call(cmd='wait', pid=pid, timeout=timeout)['code']

    def run(self, config, work_dir, *args, **env):
        """Run to the end; returns ``(exit code, log text)``."""
        log = Path(str(work_dir) + '.log')
        code = self.wait(self.start(train_argv(config, work_dir, *args),
                                    log, **env))
        return code, log.read_text()

    def run_until_marker(self, config, work_dir, marker, *args,
                         timeout=300, **env):
        """Start a run and SIGKILL it as soon as ``marker`` exists."""
        log = Path(str(marker) + '.log')
        pid = self.start(train_argv(config, work_dir, *args), log, **env)
        deadline = time.time() + timeout
        while not Path(marker).exists():
            if time.time() > deadline:
                os.kill(pid, signal.SIGKILL)
                self.wait(pid)
                raise AssertionError('kill point not reached in time')
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
        code = self.wait(pid)
        assert code == -signal.SIGKILL, (code, log.read_text()[-4000:])

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=60)


_SERVER = None


def train_server() -> TrainServer:
    """The :class:`TrainServer` shared by this test session."""
    global _SERVER
    if _SERVER is None or _SERVER.proc.poll() is not None:
        _SERVER = TrainServer()
        atexit.register(_SERVER.close)
    return _SERVER


def _serve():
    """The server loop of :class:`TrainServer` (stdin/stdout JSON lines)."""
    import importlib.util
    import traceback
    import mmtin  # noqa: F401,F811
    for name in ('models', 'datasets', 'engine', 'evaluation',
                 'visualization'):
        importlib.import_module(f'mmaction.{name}')
    spec = importlib.util.spec_from_file_location(
        'mmtin_tools_train', REPO_ROOT / 'tools' / 'train.py')
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    for line in sys.stdin:
        request = json.loads(line)
        if request['cmd'] == 'start':
            pid = os.fork()
            if pid == 0:  # the run
                fd = os.open(request['log'],
                             os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                os.environ.update(request['env'])
                code = 0
                try:
                    train.main(request['argv'])
                except BaseException:
                    traceback.print_exc()
                    code = 1
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
            reply = dict(pid=pid)
        else:
            pid, deadline = request['pid'], time.time() + request['timeout']
            while True:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                if time.time() > deadline:  # a hung run: kill it
                    os.kill(pid, signal.SIGKILL)
                time.sleep(0.05)
            reply = dict(code=os.waitstatus_to_exitcode(status))
        print(json.dumps(reply), flush=True)


def load_state_dict(path) -> dict:
    return torch.load(str(path), map_location='cpu',
                      weights_only=False)['state_dict']


if __name__ == '__main__':
    _serve()
