# Copyright (c) OpenMMLab. All rights reserved.
"""A row of a study: a chain of training stages and the metrics it
reports."""
import os.path as osp
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Sequence, Tuple

#: ``Stage.init_key`` value: the stage starts from the whole checkpoint.
LOAD_FROM = 'load_from'
#: Row metric key that, when the test metrics lack it, the study fills in
#: by counting the FLOPs of one test clip (see :mod:`.clip_flops`).
COUNTED = None


class StudyRowError(ValueError):
    """A row or stage definition that cannot be run."""


@dataclass(frozen=True)
class Stage:
    """One training run of a row: a config trained for some epochs.

    Stages with the same ``name`` in several rows of a study are trained
    once per seed (and data variant) and shared; they must then be equal.

    Args:
        name (str): Work-dir name of the stage (unique in the study).
        config (str): Config file.
        epochs (int, optional): Training epochs; the parameter schedulers
            are rescaled with :func:`mmtin.utils.config_walker.
            set_max_epochs`. None keeps the config's. Default: None.
        init_from (str, optional): Name of an earlier stage of the row
            whose last checkpoint initialises this one. Default: None
            (from scratch; the config's own ``load_from`` is dropped).
        init_key (str): Where that checkpoint goes: ``'load_from'`` (the
            whole model) or a dotted config key such as
            ``'model.focuser.init_cfg.checkpoint'``. Default: 'load_from'.
        cfg_options (tuple): ``(dotted_key, value)`` pairs set on the
            config (:func:`mmtin.utils.config_walker.set_key`).
            Default: ().
        validate (bool): Keep the config's validation loop (needed for
            ``test_checkpoint='best'``). Default: False (as
            ``tools/train.py --no-validate``).
        test_checkpoint (str): ``'last'`` or ``'best'``: the checkpoint the
            row's test uses when this is its last stage. Default: 'last'.
        checkpoint (str, optional): A trained checkpoint: the stage is not
            trained, only tested from this file (e.g. a search's best
            trial). Default: None.
        from_stages (tuple): ``(stage_name, dotted_key)`` pairs: the last
            checkpoint of each named earlier stage of the row is set at
            that config key, e.g. ``('member0',
            'model.members.0.checkpoint')`` (a model built from several
            trained stages, such as an ensemble). Default: ().
        train (bool): False: the stage is not trained, only its config is
            tested as built (with ``init_from`` / ``from_stages``); it
            must then be the row's last stage. Default: True.
        seed_offset (int): Added to the study seed for this stage (stages
            of one row that must not share their initialisation and data
            order, e.g. independently trained ensemble members).
            Default: 0.
    """
    name: str
    config: str
    epochs: Optional[int] = None
    init_from: Optional[str] = None
    init_key: str = LOAD_FROM
    cfg_options: Tuple[Tuple[str, Any], ...] = ()
    validate: bool = False
    test_checkpoint: str = 'last'
    checkpoint: Optional[str] = None
    from_stages: Tuple[Tuple[str, str], ...] = ()
    train: bool = True
    seed_offset: int = 0

    def __post_init__(self):
        if not self.name or '/' in self.name:
            raise StudyRowError(f'stage name {self.name!r} must be a '
                                'non-empty folder name')
        if not osp.isfile(self.config):
            raise StudyRowError(f'stage {self.name}: config file not found: '
                                f'{self.config}')
        if self.epochs is not None and (not isinstance(self.epochs, int)
                                        or self.epochs < 1):
            raise StudyRowError(f'stage {self.name}: epochs must be a '
                                f'positive int, got {self.epochs!r}')
        if self.test_checkpoint not in ('last', 'best'):
            raise StudyRowError(
                f'stage {self.name}: test_checkpoint must be "last" or '
                f'"best", got {self.test_checkpoint!r}')
        if self.test_checkpoint == 'best' and not self.validate:
            raise StudyRowError(f'stage {self.name}: test_checkpoint="best" '
                                'needs validate=True')
        if self.checkpoint is not None and (self.epochs is not None
                                            or self.init_from is not None):
            raise StudyRowError(
                f'stage {self.name}: a given checkpoint is only tested; '
                'epochs and init_from do not apply')
        if not self.train and (self.epochs is not None
                               or self.checkpoint is not None):
            raise StudyRowError(
                f'stage {self.name}: train=False tests the config as built; '
                'epochs and checkpoint do not apply')
        if not isinstance(self.seed_offset, int) or isinstance(
                self.seed_offset, bool):
            raise StudyRowError(f'stage {self.name}: seed_offset must be an '
                                f'int, got {self.seed_offset!r}')
        object.__setattr__(self, 'cfg_options',
                           tuple(tuple(kv) for kv in self.cfg_options))
        from_stages = tuple(tuple(pair) for pair in self.from_stages)
        if any(len(pair) != 2 for pair in from_stages):
            raise StudyRowError(f'stage {self.name}: from_stages must be '
                                f'(stage_name, dotted_key) pairs, got '
                                f'{self.from_stages!r}')
        object.__setattr__(self, 'from_stages', from_stages)

    @property
    def sources(self) -> Tuple[str, ...]:
        """Names of the earlier stages whose checkpoints it uses."""
        first = () if self.init_from is None else (self.init_from, )
        return first + tuple(name for name, _ in self.from_stages)


@dataclass(frozen=True)
class StudyRow:
    """A row of a study table.

    Args:
        name (str): Row key (folder and JSON name).
        stages (Sequence[Stage]): The chain, first stage first; the last
            one is tested.
        label (str, optional): Text for tables. Default: ``name``.
        metrics (dict): Reported value name -> key of the test metrics,
            e.g. ``{'top1': 'acc/top1', 'gflops': 'gflops'}``.
            A key the test metrics lack, or :data:`COUNTED`, makes the
            value ``gflops`` the FLOPs of one test clip (1e9 multiply-adds);
            for any other name it is an error. Default:
            ``{'top1': 'acc/top1'}``.
    """
    name: str
    stages: Sequence[Stage]
    label: Optional[str] = None
    metrics: Dict[str, Optional[str]] = field(
        default_factory=lambda: {'top1': 'acc/top1'})

    def __post_init__(self):
        if not self.name or '/' in self.name:
            raise StudyRowError(f'row name {self.name!r} must be a non-empty '
                                'folder name')
        stages = tuple(self.stages)
        if not stages:
            raise StudyRowError(f'row {self.name}: no stages')
        seen, untrained = set(), set()
        for stage in stages:
            if not isinstance(stage, Stage):
                raise StudyRowError(f'row {self.name}: {stage!r} is not a '
                                    'Stage')
            if stage.name in seen:
                raise StudyRowError(f'row {self.name}: stage {stage.name} '
                                    'appears twice')
            for source in stage.sources:
                if source not in seen:
                    raise StudyRowError(
                        f'row {self.name}: stage {stage.name} inits from '
                        f'{source!r}, which is not an earlier stage of the '
                        'row')
                if source in untrained:
                    raise StudyRowError(
                        f'row {self.name}: stage {stage.name} inits from '
                        f'{source!r}, which is not trained (train=False)')
            if not stage.train and stage is not stages[-1]:
                raise StudyRowError(
                    f'row {self.name}: stage {stage.name} is not trained '
                    '(train=False), so it must be the last stage')
            seen.add(stage.name)
            if not stage.train:
                untrained.add(stage.name)
        object.__setattr__(self, 'stages', stages)
        if self.label is None:
            object.__setattr__(self, 'label', self.name)

    @property
    def epochs(self) -> Optional[int]:
        """Total epochs of the chain (None if a stage keeps its config's)."""
        if any(s.epochs is None for s in self.stages):
            return None
        return sum(s.epochs for s in self.stages)


def check_rows(rows: Sequence[StudyRow]) -> None:
    """Rows of one study: unique names, shared stages equal.

    Raises:
        StudyRowError: naming the row or stage at fault.
    """
    names, stages = set(), {}
    for row in rows:
        if row.name in names:
            raise StudyRowError(f'two rows are named {row.name}')
        names.add(row.name)
        for stage in row.stages:
            other = stages.setdefault(stage.name, (row.name, stage))
            if other[1] != stage:
                raise StudyRowError(
                    f'stage {stage.name} of row {row.name} differs from the '
                    f'stage of that name in row {other[0]}: {stage} != '
                    f'{other[1]}')
