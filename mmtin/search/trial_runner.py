# Copyright (c) OpenMMLab. All rights reserved.
import copy
import gc
import os
import os.path as osp
import time
from typing import Dict

import optuna
from mmengine.config import Config

from mmtin.engine.hooks import OptunaPruningHook

from .search_space import apply_fragment


class TrialRunner:
    """Run one search trial as an ordinary MMEngine Runner training.

    The trial's parameters are sampled, the training config is resolved
    (base config -> ``overrides`` -> search space) and saved to
    ``<work_dir>/trial_<number>/resolved_config.py`` (kept as resolved) and
    ``config.py``. The latter then goes through the
    same steps as ``python tools/train.py config.py --work-dir DIR --seed
    S``: the train tool's ``parse_args``, ``merge_args`` and
    ``build_runner``. An :class:`OptunaPruningHook` reports the validation
    metric of each epoch and stops the run when the pruner says so.

    Args:
        search_cfg (ConfigDict): From
            :func:`mmtin.search.load_search_config`.
        train_tool (module, optional): An object with ``parse_args``,
            ``merge_args`` and ``build_runner`` (``tools/train.py`` loaded as
            a module); only needed to run trials, not to resolve configs.
            Default: None.
        work_dir (str): The study's work dir. Default: 'work_dirs/search'.
    """

    def __init__(self,
                 search_cfg,
                 train_tool=None,
                 work_dir: str = 'work_dirs/search') -> None:
        for name in ('parse_args', 'merge_args', 'build_runner'):
            if train_tool is not None and not hasattr(train_tool, name):
                raise TypeError(
                    f'TrialRunner: train_tool has no {name}() (pass '
                    'tools/train.py loaded as a module)')
        self.search_cfg = search_cfg
        self.space = search_cfg.search_space
        self.train_tool = train_tool
        self.work_dir = work_dir
        self._base = None

    @property
    def base(self) -> Config:
        """The base training config with the overrides applied."""
        if self._base is None:
            base = Config.fromfile(self.search_cfg.base_config)
            apply_fragment(base, copy.deepcopy(self.search_cfg.overrides),
                           'overrides')
            self._base = base
        return self._base

    def resolve(self, params: Dict) -> Config:
        """The training config of a trial with these parameters.

        Args:
            params (dict): ``name -> value`` of the active parameters.

        Returns:
            Config: The resolved config (a standalone config, no
            ``_base_``).
        """
        return self.space.resolve(self.base, params)

    def trial_dir(self, number: int) -> str:
        """The work dir of trial ``number``."""
        return osp.join(self.work_dir, f'trial_{number:04d}')

    def __call__(self, trial) -> float:
        """Run the trial; return its final validation metric.

        Raises:
            optuna.TrialPruned: The pruner stopped the run.
            Exception: Anything the resolution or the training raised.
        """
        if self.train_tool is None:
            raise TypeError('TrialRunner: running a trial needs train_tool')
        params = self.space.sample(trial)
        trial_dir = self.trial_dir(trial.number)
        os.makedirs(trial_dir, exist_ok=True)
        trial.set_user_attr('work_dir', osp.abspath(trial_dir))
        cfg = self.resolve(params)
        # resolved_config.py stays as resolved; config.py is what the train
        # tool loads (the Runner then rewrites it with its merged settings)
        resolved_path = osp.join(trial_dir, 'resolved_config.py')
        cfg.dump(resolved_path)
        trial.set_user_attr('config', osp.abspath(resolved_path))
        cfg_path = osp.join(trial_dir, 'config.py')
        cfg.dump(cfg_path)

        tool = self.train_tool
        args = tool.parse_args([
            cfg_path, '--work-dir', trial_dir, '--seed',
            str(self.search_cfg.seed)
        ])
        run_cfg = tool.merge_args(Config.fromfile(cfg_path), args)
        run_cfg.experiment_name = f'trial_{trial.number:04d}'
        hook = OptunaPruningHook(trial, self.search_cfg.metric)
        start = time.time()
        runner = tool.build_runner(run_cfg)
        runner.register_hook(hook)
        try:
            runner.train()
        finally:
            trial.set_user_attr('epochs', len(hook.history))
            trial.set_user_attr('train_s', round(time.time() - start, 1))
            ckpt = osp.join(trial_dir, 'last_checkpoint')
            if osp.isfile(ckpt):
                with open(ckpt) as f:
                    trial.set_user_attr('checkpoint', f.read().strip())
            del runner
            gc.collect()
        if hook.pruned:
            raise optuna.TrialPruned(
                f'pruned after step {hook.steps[-1]} '
                f'({self.search_cfg.metric}={hook.last:.4f})')
        if hook.last is None:
            raise RuntimeError(
                f'trial {trial.number}: no validation metric '
                f'{self.search_cfg.metric!r} was reported (does the config '
                'set val_cfg / val_dataloader / val_evaluator?)')
        return hook.last
