# Copyright (c) OpenMMLab. All rights reserved.
"""Validate the config against the built datasets before running."""
from typing import List

from mmaction.registry import HOOKS
from mmengine.dist import get_rank
from mmengine.hooks import Hook

from mmtin.utils.config_checks import (ConfigCheckError, dataset_problems,
                                       raise_if_problems, segment_problems)


@HOOKS.register_module()
class ConfigCheckHook(Hook):
    """Fail early, naming the config keys, when config parts disagree.

    Runs the checks of :mod:`mmtin.utils.config_checks` once per split:
    training and validation splits in ``before_train``, the test split in
    ``before_test`` and the validation split in ``before_val`` (standalone
    validation). It checks ``model.backbone.num_segments`` (and
    ``cls_head.num_segments``) against ``SampleFrames`` of each pipeline,
    TDN's ``clip_len`` of 5, and every label of the annotation files against
    ``model.cls_head.num_classes``. All problems found are raised together as
    one ``ConfigCheckError``. In a multi-process run every rank fails, but
    only rank 0's error lists the problems (the others name rank 0), so
    the listing is printed once.

    Args:
        check_labels (bool): Also read every sample's label from the built
            datasets. Default: True.
    """

    priority = 'VERY_HIGH'

    def __init__(self, check_labels: bool = True) -> None:
        self.check_labels = check_labels
        self._checked = set()

    def before_train(self, runner) -> None:
        self._check(runner, ['train', 'val'])

    def before_val(self, runner) -> None:
        self._check(runner, ['val'])

    def before_test(self, runner) -> None:
        self._check(runner, ['test'])

    def _check(self, runner, splits: List[str]) -> None:
        splits = [s for s in splits if s not in self._checked]
        if not splits:
            return
        problems = segment_problems(runner.cfg, splits)
        if self.check_labels:
            for split in splits:
                dataset = self._dataset(runner, split)
                if dataset is not None:
                    problems += dataset_problems(runner.cfg, split, dataset)
        what = f'ConfigCheckHook ({", ".join(splits)})'
        rank = get_rank()
        if problems and rank != 0:
            raise ConfigCheckError(
                f'{what} check failed on rank {rank} too: rank 0 lists the '
                f'{len(problems)} problem(s)')
        raise_if_problems(problems, what)
        self._checked.update(splits)
        runner.logger.info(f'ConfigCheckHook: {", ".join(splits)} config OK')

    @staticmethod
    def _dataset(runner, split: str):
        loop = getattr(runner, f'_{split}_loop', None)
        loader = getattr(loop, 'dataloader', None)
        return getattr(loader, 'dataset', None)
