# Copyright (c) OpenMMLab. All rights reserved.
"""Count and report the broken samples that a dataset skipped."""
from typing import List

from mmaction.registry import HOOKS
from mmengine.dist import all_gather_object, is_distributed
from mmengine.hooks import Hook

from mmtin.datasets.checked_video_dataset import skipped_in_batch


def _leaf_datasets(dataset) -> list:
    """The datasets inside Concat/Repeat/ClassBalanced wrappers."""
    if hasattr(dataset, 'datasets'):
        return [d for sub in dataset.datasets for d in _leaf_datasets(sub)]
    if hasattr(dataset, 'dataset'):
        return _leaf_datasets(dataset.dataset)
    return [dataset]


@HOOKS.register_module()
class BrokenVideoReportHook(Hook):
    """Report how many broken samples ``CheckedVideoDataset`` skipped.

    With ``skip_broken=True`` the dataset warns about every broken sample as
    it happens (in whichever dataloader worker loads it). This hook adds the
    totals: training samples carry the list of samples skipped before them
    (see ``CheckedVideoDataset``), so the count survives worker processes; at
    the end of each training epoch the lists of all ranks are gathered and
    rank 0 logs the number of distinct broken videos (a video skipped
    several times counts once) and lists them. For validation and
    testing it reports the samples that the test-mode dataset left out when
    it was built. Each count is also put in the message hub
    (``'mmtin/broken_skipped'`` for the last epoch, ``'mmtin/broken_
    skipped_total'`` for the run, ``'mmtin/broken_left_out_val'`` /
    ``'_test'``).

    Args:
        max_listed (int): How many distinct broken samples to list in the
            log message. Default: 20.
    """

    priority = 'BELOW_NORMAL'

    def __init__(self, max_listed: int = 20) -> None:
        if max_listed < 0:
            raise ValueError(f'max_listed must be >= 0, got {max_listed}')
        self.max_listed = max_listed
        self._epoch_skipped: List[str] = []
        self._run_skipped = set()

    def before_train_epoch(self, runner) -> None:
        self._epoch_skipped = []

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        self._epoch_skipped.extend(skipped_in_batch(data_batch))

    def after_train_epoch(self, runner) -> None:
        skipped = list(self._epoch_skipped)
        if is_distributed():
            skipped = [s for part in all_gather_object(skipped) for s in part]
        # a broken file skipped several times (refetches, workers) counts
        # once: the counts are of distinct files
        distinct = list(dict.fromkeys(skipped))
        self._run_skipped.update(distinct)
        total = len(self._run_skipped)
        runner.message_hub.update_info('mmtin/broken_skipped', len(distinct))
        runner.message_hub.update_info('mmtin/broken_skipped_total', total)
        if distinct:
            runner.logger.warning(
                f'epoch {runner.epoch + 1}: skipped {len(distinct)} broken '
                f'training videos ({total} so far in this run): '
                f'{self._listing(distinct)}')

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._report_left_out(runner, 'val')

    def after_test_epoch(self, runner, metrics=None) -> None:
        self._report_left_out(runner, 'test')

    def _report_left_out(self, runner, split: str) -> None:
        loop = getattr(runner, f'{split}_loop', None)
        dataloader = getattr(loop, 'dataloader', None)
        if dataloader is None:
            return
        left_out = [
            s for ds in _leaf_datasets(dataloader.dataset)
            for s in getattr(ds, 'broken_at_init', [])
        ]
        runner.message_hub.update_info(f'mmtin/broken_left_out_{split}',
                                       len(left_out))
        if left_out:
            runner.logger.warning(
                f'{split}: {len(left_out)} broken samples were left out of '
                f'the evaluation: {self._listing(left_out)}')

    def _listing(self, samples: List[str]) -> str:
        distinct = list(dict.fromkeys(samples))
        shown = ', '.join(distinct[:self.max_listed])
        more = len(distinct) - self.max_listed
        return shown + (f' and {more} more' if more > 0 else '')
