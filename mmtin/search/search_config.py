# Copyright (c) OpenMMLab. All rights reserved.
"""Load and check a search config (a plain MMEngine ``.py`` config).

Top-level keys of a search config:

- ``base_config`` (str, required): the training config every trial starts
  from; a relative path is looked up next to the search config, then in the
  current directory.
- ``space`` (dict, required): the search space, see
  :mod:`mmtin.search.search_space`.
- ``metric`` (str): validation metric to optimise. Default: 'acc/top1'.
- ``direction`` (str): 'maximize' or 'minimize'. Default: 'maximize'.
- ``overrides`` (dict): fragment applied to the base before the space
  (e.g. fewer epochs and a validation every epoch for the search).
- ``n_trials`` (int): target number of finished trials (the command line
  ``--n-trials`` wins). Default: 20.
- ``sampler`` / ``pruner`` (dict): ``type`` = a class name of
  ``optuna.samplers`` / ``optuna.pruners`` plus its arguments. Defaults:
  ``TPESampler`` and ``MedianPruner``. ``pruner=None`` disables pruning.
- ``enqueue`` (list[dict]): parameter sets tried first (e.g. the hand-set
  config), each once per study.
- ``seed`` (int): the training seed of every trial (and the sampler's base
  seed, offset per worker). Default: 0.
- ``heartbeat`` (dict): ``interval`` and ``grace_period`` in seconds; a
  RUNNING trial without a heartbeat for ``grace_period`` is failed as
  interrupted and retried. Default: ``dict(interval=10, grace_period=60)``.
- ``max_retries`` (int): retries of an interrupted trial. Default: 1.

Names starting with ``_`` are the file's own helpers and are ignored.
"""
import os.path as osp

import optuna
from mmengine.config import Config, ConfigDict

from .search_space import SearchSpace, SearchSpaceError

KNOWN_KEYS = {
    'base_config', 'space', 'metric', 'direction', 'overrides', 'n_trials',
    'sampler', 'pruner', 'enqueue', 'seed', 'heartbeat', 'max_retries'
}
DEFAULTS = dict(
    metric='acc/top1',
    direction='maximize',
    overrides=dict(),
    n_trials=20,
    sampler=dict(type='TPESampler'),
    pruner=dict(type='MedianPruner'),
    enqueue=[],
    seed=0,
    heartbeat=dict(interval=10, grace_period=60),
    max_retries=1)


def load_search_config(path: str) -> ConfigDict:
    """Load, complete and check a search config.

    Args:
        path (str): Path of the search config file.

    Returns:
        ConfigDict: The settings with defaults filled in, ``base_config``
        made absolute, ``space`` parsed into a :class:`SearchSpace` under
        ``search_space`` and the file path under ``filename``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'search config not found: {path}')
    raw = Config.fromfile(path).to_dict()
    return parse_search_config(raw, path)


def parse_search_config(raw: dict, path: str) -> ConfigDict:
    """Check a search-config dict (see :func:`load_search_config`)."""
    # names starting with '_' are the config file's own helpers
    raw = {k: v for k, v in raw.items() if not k.startswith('_')}
    unknown = set(raw) - KNOWN_KEYS
    if unknown:
        raise SearchSpaceError(
            f'{path}: unknown search-config key(s) {sorted(unknown)} '
            f'(known: {sorted(KNOWN_KEYS)})')
    for key in ('base_config', 'space'):
        if key not in raw:
            raise SearchSpaceError(f'{path}: `{key}` is required')
    cfg = dict(DEFAULTS)
    cfg.update(raw)
    cfg['filename'] = osp.abspath(path)
    cfg['base_config'] = _find_base(cfg['base_config'], path)
    if cfg['direction'] not in ('maximize', 'minimize'):
        raise SearchSpaceError(
            f"{path}: direction must be 'maximize' or 'minimize', got "
            f"{cfg['direction']!r}")
    n_trials = cfg['n_trials']
    if not isinstance(n_trials, int) or n_trials < 1:
        raise SearchSpaceError(
            f'{path}: n_trials must be an int >= 1, got {n_trials!r}')
    space = SearchSpace(cfg['space'], prefix='space')
    cfg['enqueue'] = [
        dict(space.check_params(p)) for p in (cfg['enqueue'] or [])]
    _check_factory(path, 'sampler', cfg['sampler'], optuna.samplers)
    if cfg['pruner'] is not None:
        _check_factory(path, 'pruner', cfg['pruner'], optuna.pruners)
    hb = cfg['heartbeat']
    if (not isinstance(hb, dict) or set(hb) != {'interval', 'grace_period'}
            or not 0 < hb['interval'] < hb['grace_period']):
        raise SearchSpaceError(
            f'{path}: heartbeat must be dict(interval=s, grace_period=s) '
            f'with 0 < interval < grace_period, got {hb!r}')
    out = ConfigDict(cfg)
    out['search_space'] = space  # set after: ConfigDict would copy it
    return out


def _find_base(base: str, path: str) -> str:
    if not isinstance(base, str):
        raise SearchSpaceError(
            f'{path}: base_config must be a path, got {base!r}')
    for candidate in (osp.join(osp.dirname(osp.abspath(path)), base), base):
        if osp.isfile(candidate):
            return osp.abspath(candidate)
    raise FileNotFoundError(
        f'{path}: base_config {base!r} not found (looked next to the search '
        'config and in the current directory)')


def _check_factory(path, key, spec, module):
    if not isinstance(spec, dict) or not isinstance(spec.get('type'), str):
        raise SearchSpaceError(
            f'{path}: {key} must be dict(type=<optuna.{module.__name__.split(".")[-1]} '  # noqa: E501
            f'class name>, ...), got {spec!r}')
    if not hasattr(module, spec['type']):
        raise SearchSpaceError(
            f"{path}: {key}.type {spec['type']!r} is not a class of "
            f'{module.__name__}')


def build_from_spec(spec, module, **extra):
    """Build ``module.<spec.type>(**spec, **extra)`` (None -> None)."""
    if spec is None:
        return None
    kwargs = dict(spec)
    cls = getattr(module, kwargs.pop('type'))
    kwargs.update(extra)
    return cls(**kwargs)
