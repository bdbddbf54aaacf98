# Copyright (c) OpenMMLab. All rights reserved.
"""A ``CheckpointHook`` whose writes survive being killed at any moment.

MMEngine 0.10.7's ``CheckpointHook._save_checkpoint_with_step``:

1. deletes the oldest checkpoint when ``max_keep_ckpts`` is reached,
2. writes ``epoch_N.pth`` in place (``open(path, 'wb')``, no fsync),
3. rewrites ``last_checkpoint`` in place.

A kill during step 2 leaves a truncated ``epoch_N.pth``; with
``max_keep_ckpts`` the checkpoint that ``last_checkpoint`` still names was
already deleted in step 1, so ``--resume`` fails; a kill during step 3
leaves an empty ``last_checkpoint``. :class:`AtomicCheckpointHook` writes
the checkpoint to a temporary file in the same folder, fsyncs it and renames
it into place (``os.replace`` is atomic), then replaces ``last_checkpoint``
the same way, and only then deletes outdated checkpoints.
"""
import contextlib
import os
import os.path as osp
import re

from mmaction.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.fileio.backends import LocalBackend
from mmengine.hooks import CheckpointHook

_TMP_PATTERN = re.compile(r'\..+\.tmp-\d+')


def _temp_name(filename: str) -> str:
    return f'.{filename}.tmp-{os.getpid()}'


def _fsync_path(path: str, directory: bool = False) -> None:
    if directory and os.name == 'nt':
        return  # directories cannot be opened for fsync on Windows
    fd = os.open(path, os.O_RDONLY if directory else os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit_file(tmp_path: str, path: str) -> None:
    """Durably move a fully written ``tmp_path`` to ``path``.

    Args:
        tmp_path (str): The written file, in the same folder as ``path``.
        path (str): The final name; replaced atomically if it exists.
    """
    _fsync_path(tmp_path)
    os.replace(tmp_path, path)
    _fsync_path(osp.dirname(osp.abspath(path)), directory=True)


def atomic_write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see old or new, never half.

    Args:
        path (str): The file to (re)write.
        text (str): Its new content.
    """
    tmp_path = osp.join(osp.dirname(path), _temp_name(osp.basename(path)))
    with open(tmp_path, 'w') as f:
        f.write(text)
    commit_file(tmp_path, path)


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """``CheckpointHook`` with crash-safe checkpoint and pointer writes.

    Takes exactly the arguments of MMEngine's ``CheckpointHook``. For a local
    ``out_dir`` every checkpoint (including best ones) is written to a hidden
    ``.<name>.tmp-<pid>`` file beside it, fsynced and renamed into place;
    ``last_checkpoint`` is replaced the same way after the checkpoint is in
    place; outdated checkpoints (``max_keep_ckpts``) are deleted last.
    Temporary files left by a killed run are removed in ``before_train``.
    For other storage backends it behaves like ``CheckpointHook``.

    Args:
        *args: Positional arguments of ``CheckpointHook``.
        **kwargs: Keyword arguments of ``CheckpointHook``.
    """

    def before_train(self, runner) -> None:
        super().before_train(runner)
        if self._is_local() and is_main_process() and osp.isdir(
                self.out_dir):
            for name in os.listdir(self.out_dir):
                if _TMP_PATTERN.fullmatch(name):
                    os.remove(osp.join(self.out_dir, name))
                    runner.logger.warning(
                        f'removed {name}, a partial checkpoint left in '
                        f'{self.out_dir} by an interrupted run')

    def _is_local(self) -> bool:
        return isinstance(getattr(self, 'file_backend', None), LocalBackend)

    @contextlib.contextmanager
    def _atomic_saves(self, runner):
        """Make ``runner.save_checkpoint`` write through a temporary file.

        Re-entrant: ``_save_best_checkpoint`` calls
        ``_save_checkpoint_with_step``.
        """
        if getattr(runner.save_checkpoint, '_mmtin_atomic', False):
            yield
            return
        original = runner.save_checkpoint

        def save_checkpoint(out_dir, filename, *args, **kwargs):
            tmp_name = _temp_name(filename)
            original(out_dir, tmp_name, *args, **kwargs)
            if is_main_process():  # Runner.save_checkpoint is master-only
                commit_file(
                    osp.join(out_dir, tmp_name), osp.join(out_dir, filename))

        save_checkpoint._mmtin_atomic = True
        runner.save_checkpoint = save_checkpoint  # this instance only
        try:
            yield
        finally:
            del runner.save_checkpoint

    def _save_best_checkpoint(self, runner, metrics) -> None:
        if not self._is_local():
            return super()._save_best_checkpoint(runner, metrics)
        with self._atomic_saves(runner):
            super()._save_best_checkpoint(runner, metrics)

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        if not self._is_local():
            return super()._save_checkpoint_with_step(runner, step, meta)
        outdated = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and
                                            self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                outdated.append(self.keep_ckpt_ids.popleft())
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))
        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = osp.join(self.out_dir, ckpt_filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)

        with self._atomic_saves(runner):
            runner.save_checkpoint(
                self.out_dir,
                ckpt_filename,
                self.file_client_args,
                save_optimizer=self.save_optimizer,
                save_param_scheduler=self.save_param_scheduler,
                meta=meta,
                by_epoch=self.by_epoch,
                backend_args=self.backend_args,
                **self.args)
        if not is_main_process():
            return
        atomic_write_text(
            osp.join(runner.work_dir, 'last_checkpoint'), self.last_ckpt)
        for old_step in outdated:
            old = osp.join(self.out_dir, self.filename_tmpl.format(old_step))
            if osp.isfile(old):
                os.remove(old)
            elif osp.isdir(old):  # deepspeed checkpoints are folders
                self.file_backend.rmtree(old)
