# Copyright (c) OpenMMLab. All rights reserved.
import math
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.hooks import Hook

from mmaction.registry import HOOKS


@HOOKS.register_module()
class OptunaPruningHook(Hook):
    """Report the validation metric of every epoch to an Optuna trial.

    After each validation the metric is reported with
    ``trial.report(value, step)`` (``step`` = finished epochs, or
    iterations for an iteration-based loop). When the study's pruner says
    ``trial.should_prune()``, the hook sets :attr:`pruned` and stops the
    train loop (``train_loop.stop_training``), so the Runner ends the run
    cleanly; the caller then raises ``optuna.TrialPruned``. It also stops a
    run whose loss or metric is not finite (``FloatingPointError``), so a
    diverged trial fails at once instead of training on NaNs.

    Args:
        trial (optuna.trial.Trial, optional): The trial to report to. None
            only records :attr:`history`. Default: None.
        metric (str): Key of the validation metric (e.g. 'acc/top1').
            Default: 'acc/top1'.
        check_finite_loss (bool): Raise ``FloatingPointError`` when a
            training loss is NaN or infinite. Default: True.
    """

    priority = 'LOW'

    def __init__(self,
                 trial=None,
                 metric: str = 'acc/top1',
                 check_finite_loss: bool = True) -> None:
        self.trial = trial
        self.metric = metric
        self.check_finite_loss = check_finite_loss
        self.pruned = False
        self.history: List[Tuple[int, float]] = []

    def _step(self, runner) -> int:
        loop = runner.train_loop
        by_epoch = hasattr(loop, 'max_epochs') and loop.max_epochs is not None
        return runner.epoch if by_epoch else runner.iter

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[Dict] = None) -> None:
        if not self.check_finite_loss or not outputs:
            return
        for name, value in outputs.items():
            if 'loss' not in name:
                continue
            if hasattr(value, 'detach'):
                value = value.detach()
            value = float(value)
            if not math.isfinite(value):
                raise FloatingPointError(
                    f'OptunaPruningHook: training {name} is {value} at '
                    f'iteration {runner.iter + 1} (epoch {runner.epoch + 1})')

    def after_val_epoch(self,
                        runner,
                        metrics: Optional[Dict[str, float]] = None) -> None:
        if not metrics:
            return
        if self.metric not in metrics:
            raise KeyError(
                f'OptunaPruningHook: metric {self.metric!r} is not among the '
                f'validation metrics {sorted(metrics)}')
        value = float(metrics[self.metric])
        if not math.isfinite(value):
            raise FloatingPointError(
                f'OptunaPruningHook: validation {self.metric} is {value}')
        step = self._step(runner)
        self.history.append((step, value))
        if self.trial is None:
            return
        self.trial.report(value, step)
        if self.trial.should_prune():
            self.pruned = True
            runner.train_loop.stop_training = True
            runner.logger.info(
                f'OptunaPruningHook: trial {self.trial.number} pruned at '
                f'step {step} ({self.metric}={value:.4f})')

    @property
    def last(self) -> Optional[float]:
        """The last reported metric value (None before any validation)."""
        return self.history[-1][1] if self.history else None

    @property
    def steps(self) -> Sequence[int]:
        """The reported steps."""
        return [s for s, _ in self.history]
