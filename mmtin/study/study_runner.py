# Copyright (c) OpenMMLab. All rights reserved.
"""Run the rows of a study over seeds (and data variants) with MMEngine's
Runner, in this process, one stage after the other.

Layout of ``work_dir`` (``VARIANT/`` only when the study has named data
variants)::

    [VARIANT/]seed{S}/{stage}/          # one MMEngine work dir per stage
    [VARIANT/]seed{S}/{stage}/stage.json    # written when the stage ended
    [VARIANT/]seed{S}/results/{row}.json    # written when the row ended

Stages run in-process (not as ``tools/train.py`` subprocesses): the chain
of a row passes checkpoints from stage to stage, FLOPs are counted on the
trained model, and the import cost is paid once. A stage is built as
``tools/train.py`` builds it (:func:`mmtin.datasets.prepare_datasets`,
``runner_type``), seeded by ``randomness=dict(seed=S)``.

Nothing is lost: a finished stage or row is never run again over its files.
With ``resume=True`` finished rows and stages are read back from their
JSON, and an interrupted stage resumes from the last checkpoint in its work
dir (MMEngine's ``resume``); without it, a work dir that already holds
them is refused.
"""
import itertools
import json
import numbers
import os
import os.path as osp
import time
from dataclasses import asdict
from typing import Callable, Dict, List, Optional, Sequence

from .study_row import LOAD_FROM, Stage, StudyRow, check_rows

_RUNNER_IDS = itertools.count()


class StudyError(RuntimeError):
    """A study run that failed or would overwrite finished work."""


def _read(path):
    with open(path) as f:
        return json.load(f)


def _write(path, data):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=2)
    os.replace(tmp, path)


def _print(line: str) -> None:
    print(line, flush=True)


#: Stage fields left out of ``stage.json`` while at their default, so that
#: the records of studies run before these fields existed still match.
_OPTIONAL_FIELDS = dict(from_stages=(), train=True, seed_offset=0)


def _stage_record(stage: Stage) -> dict:
    record = json.loads(json.dumps(asdict(stage)))
    for key, default in _OPTIONAL_FIELDS.items():
        if getattr(stage, key) == default:
            record.pop(key)
    return record


class StudyRunner:
    """Train and test ``rows x seeds x data variants``.

    Args:
        rows (Sequence[StudyRow]): The rows (:func:`check_rows`).
        seeds (Sequence[int]): Training seeds.
        work_dir (str): Root of all work dirs.
        data_roots (dict, optional): Data variant name -> data folder; every
            stage's dataset paths are moved there with
            :func:`mmtin.utils.config_walker.replace_data_root`. ``None``:
            the configs' own ``data_root``. A single variant named ``''``
            adds no folder level. Default: None.
        resume (bool): Reuse finished rows/stages and resume interrupted
            stages. Default: False.
        deterministic (bool): ``randomness.deterministic``. Default: False.
        cfg_options (dict, optional): MMEngine ``--cfg-options`` merged into
            every stage's config (``Config.merge_from_dict``), after the
            stage's own options. Default: None.
        stop_on_error (bool): Raise on the first failing run instead of
            recording it and going on. Default: False.
        latency_repeats (int): Timed calls of each tested model on one test
            video (:func:`~mmtin.study.clip_latency.time_test_video`); the
            median is the value ``latency_ms`` of the record. 0: not timed.
            Default: 10.
        log (Callable): Progress printer. Default: print and flush.
    """

    def __init__(self,
                 rows: Sequence[StudyRow],
                 seeds: Sequence[int],
                 work_dir: str,
                 data_roots: Optional[Dict[str, str]] = None,
                 resume: bool = False,
                 deterministic: bool = False,
                 cfg_options: Optional[dict] = None,
                 stop_on_error: bool = False,
                 latency_repeats: int = 10,
                 log: Callable[[str], None] = _print):
        self.rows = list(rows)
        check_rows(self.rows)
        self.seeds = [int(s) for s in seeds]
        if not self.seeds or len(set(self.seeds)) != len(self.seeds):
            raise StudyError(f'seeds must be distinct and at least one: '
                             f'{list(seeds)}')
        self.work_dir = work_dir
        self.data_roots = dict(data_roots) if data_roots else {'': None}
        self.resume = resume
        self.deterministic = deterministic
        self.cfg_options = dict(cfg_options or {})
        self.stop_on_error = stop_on_error
        self.latency_repeats = int(latency_repeats)
        self.log = log
        self._done = {}  # (variant, seed, stage) -> stage.json content

    # ------------------------------------------------------------------
    def seed_dir(self, variant: str, seed: int) -> str:
        """Work dir of one (data variant, seed)."""
        return osp.join(self.work_dir, variant, f'seed{seed}')

    def result_path(self, row: StudyRow, variant: str, seed: int) -> str:
        """JSON written when ``row`` finished for ``(variant, seed)``."""
        return osp.join(self.seed_dir(variant, seed), 'results',
                        f'{row.name}.json')

    def run(self, on_record: Optional[Callable[[dict], None]] = None
            ) -> List[dict]:
        """Every (variant, seed, row), seeds before rows.

        Args:
            on_record (Callable, optional): Called with each record as it
                is made (e.g. to write partial tables). Default: None.

        Returns:
            list[dict]: One record per run: ``row``, ``variant``, ``seed``
            and either ``values`` (the row's metrics by name), ``metrics``
            (all test metrics), ``seconds`` (all stages of the chain,
            shared ones included) and ``checkpoint``, or ``error``.
        """
        records = []
        for variant, root in self.data_roots.items():
            for seed in self.seeds:
                for row in self.rows:
                    record = self.run_row(row, seed, variant, root)
                    records.append(record)
                    if on_record is not None:
                        on_record(record)
        return records

    def run_row(self, row: StudyRow, seed: int, variant: str = '',
                data_root: Optional[str] = None) -> dict:
        """Train the chain of ``row`` and test its last stage."""
        where = f'{row.name} seed {seed}' + (f' [{variant}]'
                                             if variant else '')
        path = self.result_path(row, variant, seed)
        if osp.isfile(path):
            if not self.resume:
                raise StudyError(
                    f'{path} exists (a finished run of {where}): pass '
                    '--resume to reuse it, or choose another --work-dir')
            record = _read(path)
            self.log(f'[study] {where}: finished before, reused')
            return record
        base = dict(row=row.name, variant=variant, seed=seed)
        try:
            record = dict(base, **self._run_chain(row, seed, variant,
                                                  data_root, where))
        except StudyError:
            raise
        except Exception as exc:  # a failing run; the study goes on
            if self.stop_on_error:
                raise
            self.log(f'[study] FAILED {where}: {type(exc).__name__}: {exc}')
            return dict(base, error=f'{where}: {type(exc).__name__}: {exc}')
        os.makedirs(osp.dirname(path), exist_ok=True)
        _write(path, record)
        self.log(f'[study] {where}: ' + ', '.join(
            f'{k} {v:.4g}' for k, v in record['values'].items()) +
                 f' ({record["seconds"]:.0f} s)')
        return record

    # ------------------------------------------------------------------
    def _run_chain(self, row, seed, variant, data_root, where):
        checkpoints, seconds, info = {}, 0.0, None
        for i, stage in enumerate(row.stages):
            last = i == len(row.stages) - 1
            info = self._stage(row, stage, seed, variant, data_root,
                               checkpoints, test=last)
            checkpoints[stage.name] = info['checkpoint']
            seconds += info['train_seconds']
        test = info['test']
        values = {}
        for name, key in row.metrics.items():
            if key is not None and key in test['metrics']:
                values[name] = float(test['metrics'][key])
            elif name == 'gflops':
                values[name] = float(test['gflops'])
            else:
                raise StudyError(
                    f'{where}: the test metrics have no {key!r} (they '
                    f'have {sorted(test["metrics"])})')
        if 'latency_ms' in test:
            values['latency_ms'] = test['latency_ms']
        return dict(values=values, metrics=test['metrics'],
                    seconds=seconds + test['seconds'],
                    checkpoint=info['checkpoint'])

    def _stage(self, row, stage, seed, variant, data_root, checkpoints,
               test):
        key = (variant, seed, stage.name)
        sdir = osp.join(self.seed_dir(variant, seed), stage.name)
        info_path = osp.join(sdir, 'stage.json')
        info = self._done.get(key)
        if info is None and osp.isfile(info_path):
            if not self.resume:
                raise StudyError(
                    f'{info_path} exists (a finished stage): pass --resume '
                    'to reuse it, or choose another --work-dir')
            info = _read(info_path)
            if info['stage'] != _stage_record(stage):
                raise StudyError(
                    f'{sdir} holds a stage {stage.name} trained with other '
                    f'settings ({info["stage"]}); choose another --work-dir')
        if info is None and stage.checkpoint is not None:
            if not osp.isfile(stage.checkpoint):
                raise StudyError(f'stage {stage.name}: checkpoint not found: '
                                 f'{stage.checkpoint}')
            info = dict(stage=_stage_record(stage),
                        checkpoint=stage.checkpoint, train_seconds=0.0)
            os.makedirs(sdir, exist_ok=True)
        if info is None and not stage.train:  # tested as built
            info = dict(stage=_stage_record(stage), checkpoint=None,
                        train_seconds=0.0)
            os.makedirs(sdir, exist_ok=True)
        if info is None:
            info = self._train(stage, seed, variant, data_root, checkpoints,
                               sdir)
        if test and 'test' not in info:
            info['test'] = self._test(row, stage, seed, variant, data_root,
                                      checkpoints, sdir, info)
        _write(info_path, info)
        self._done[key] = info
        return info

    def _config(self, stage, seed, variant, data_root, checkpoints, sdir):
        from mmengine.config import Config

        from mmtin.utils.config_walker import (replace_data_root,
                                               set_key, set_max_epochs)
        cfg = Config.fromfile(stage.config)
        if data_root is not None:
            replace_data_root(cfg, data_root)
        where = f'stage {stage.name} ({stage.config})'
        for key, value in stage.cfg_options:
            set_key(cfg, key, value, where)
        if self.cfg_options:
            cfg.merge_from_dict(self.cfg_options)
        if stage.epochs is not None:
            set_max_epochs(cfg, stage.epochs)
        cfg.work_dir = sdir
        cfg.experiment_name = (f'{variant + "_" if variant else ""}'
                               f'seed{seed}_{stage.name}_'
                               f'{next(_RUNNER_IDS)}')
        cfg.randomness = dict(seed=seed + stage.seed_offset,
                              deterministic=self.deterministic)
        cfg.resume = False
        cfg.load_from = None
        if stage.init_from is not None:
            ckpt = checkpoints[stage.init_from]
            if stage.init_key == LOAD_FROM:
                cfg.load_from = ckpt
            else:
                set_key(cfg, stage.init_key, ckpt, where)
        for name, key in stage.from_stages:
            set_key(cfg, key, checkpoints[name], where)
        if not stage.validate:  # as tools/train.py --no-validate
            cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
        cfg.log_level = 'WARNING'
        return cfg

    @staticmethod
    def _build_runner(cfg):
        from mmengine.runner import Runner

        from mmaction.registry import RUNNERS
        from mmtin.datasets import prepare_datasets
        prepare_datasets(cfg)
        if 'runner_type' in cfg:
            return RUNNERS.build(cfg)
        return Runner.from_cfg(cfg)

    def _train(self, stage, seed, variant, data_root, checkpoints, sdir):
        cfg = self._config(stage, seed, variant, data_root, checkpoints,
                           sdir)
        if osp.isdir(sdir) and os.listdir(sdir):
            if not self.resume:
                raise StudyError(
                    f'{sdir} holds an unfinished stage {stage.name}: pass '
                    '--resume to continue it, or choose another --work-dir')
            if osp.isfile(osp.join(sdir, 'last_checkpoint')):
                self.log(f'[study] {stage.name} seed {seed}: resuming from '
                         'its last checkpoint')
                cfg.resume, cfg.load_from = True, None
        start = time.time()
        runner = self._build_runner(cfg)
        runner.train()
        return dict(stage=_stage_record(stage),
                    checkpoint=self._checkpoint(sdir, stage),
                    train_seconds=time.time() - start)

    @staticmethod
    def _checkpoint(sdir, stage):
        if stage.test_checkpoint == 'best':
            import glob
            found = sorted(glob.glob(osp.join(sdir, 'best_*.pth')))
            if not found:
                raise StudyError(f'stage {stage.name}: no best_*.pth in '
                                 f'{sdir} (does the config save the best '
                                 'checkpoint?)')
            return found[-1]
        pointer = osp.join(sdir, 'last_checkpoint')
        if not osp.isfile(pointer):
            raise StudyError(f'stage {stage.name}: training saved no '
                             f'checkpoint in {sdir}')
        with open(pointer) as f:
            return f.read().strip()

    def _test(self, row, stage, seed, variant, data_root, checkpoints, sdir,
              info):
        cfg = self._config(stage, seed, variant, data_root, checkpoints,
                           sdir)
        cfg.load_from = info['checkpoint']
        start = time.time()
        runner = self._build_runner(cfg)
        metrics = {k: float(v) for k, v in runner.test().items()
                   if isinstance(v, numbers.Number)}
        out = dict(metrics=metrics, checkpoint=info['checkpoint'])
        key = row.metrics.get('gflops', 'absent')
        if 'gflops' in row.metrics and (key is None or key not in metrics):
            from .clip_flops import count_clip_gflops
            out['gflops'] = count_clip_gflops(runner)
        if self.latency_repeats:
            from .clip_latency import time_test_video
            out['latency_ms'] = time_test_video(runner,
                                                self.latency_repeats)
        out['seconds'] = time.time() - start
        return out
