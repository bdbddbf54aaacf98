# Copyright (c) OpenMMLab. All rights reserved.
"""The search space of a config search: parsing, sampling and resolution.

A search space is an ordered dict ``name -> domain``. A domain is a dict:

- ``type``: ``'categorical'``, ``'float'`` or ``'int'``.
- ``choices`` (categorical): a list of plain values (None, bool, int, float,
  str), or a dict ``choice name -> config fragment``. A fragment is a dict
  merged into the config like a config file's overrides (nested dicts are
  merged, ``_delete_=True`` replaces a dict, a dotted top-level key such as
  ``'train_dataloader.dataset.pipeline.1.clip_len'`` sets one value).
- ``low``/``high`` (float, int), ``log`` (bool, log-uniform; needs
  ``low > 0``), ``step`` (optional grid step).
- ``keys``: a dotted config key or a list of them, set to the sampled value
  (list items are addressed by index: ``param_scheduler.1.T_max``). Their
  parent must exist in the config. Optional for fragment choices and for
  values that are only used through placeholders.
- ``condition``: ``dict(other_param=value_or_list_of_values)``: sample this
  parameter only when every named earlier parameter took one of the values.

Anywhere in the resolved config (base, fragments, values), the string
``'${name}'`` is replaced by the value of parameter ``name`` (its type
kept), so one choice can feed several places (e.g. ``num_segments`` of a
backbone that only some choices have).
"""
import copy
import math
import re
from collections import OrderedDict
from typing import Any, Dict, List, Optional

from mmengine.config import Config, ConfigDict

from mmtin.utils.config_walker import ConfigKeyError, get_key
from mmtin.utils.config_walker import set_key as walker_set_key

DOMAIN_TYPES = ('categorical', 'float', 'int')
_FIELDS = {
    'categorical': {'type', 'choices', 'keys', 'condition'},
    'float': {'type', 'low', 'high', 'log', 'step', 'keys', 'condition'},
    'int': {'type', 'low', 'high', 'log', 'step', 'keys', 'condition'},
}
_PLAIN = (type(None), bool, int, float, str)
_PLACEHOLDER = re.compile(r'^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$')


class SearchSpaceError(ConfigKeyError):
    """A search-space domain or key is invalid (the message names it); a
    :class:`~mmtin.utils.config_walker.ConfigKeyError`, so a ``ValueError``.
    """


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class SearchSpace:
    """An ordered, validated search space over config keys.

    Args:
        space (dict): ``name -> domain`` (see the module docstring), in
            sampling order. Conditions may only name earlier parameters.
        prefix (str): Name used in error messages. Default: 'search.space'.
    """

    def __init__(self, space: Dict, prefix: str = 'search.space') -> None:
        if not isinstance(space, dict) or not space:
            raise SearchSpaceError(
                f'{prefix}: must be a non-empty dict name -> domain, got '
                f'{space!r}')
        self.prefix = prefix
        self.domains = OrderedDict()
        for name, domain in space.items():
            self.domains[name] = self._parse(name, domain)

    # ------------------------------------------------------------- parsing
    def _parse(self, name: str, domain: Any) -> Dict:
        where = f'{self.prefix}.{name}'
        if not isinstance(name, str) or not re.match(r'^[A-Za-z_]\w*$',
                                                     name):
            raise SearchSpaceError(
                f'{where}: parameter names must be identifiers')
        if not isinstance(domain, dict):
            raise SearchSpaceError(
                f'{where}: a domain must be a dict, got {domain!r}')
        domain = dict(domain)
        kind = domain.get('type')
        if kind not in DOMAIN_TYPES:
            raise SearchSpaceError(
                f'{where}: type must be one of {DOMAIN_TYPES}, got {kind!r}')
        unknown = set(domain) - _FIELDS[kind]
        if unknown:
            raise SearchSpaceError(
                f'{where}: unknown field(s) {sorted(unknown)} for a {kind} '
                f'domain (allowed: {sorted(_FIELDS[kind])})')
        if kind == 'categorical':
            self._check_choices(where, domain)
        else:
            self._check_range(where, kind, domain)
        keys = domain.get('keys', [])
        if isinstance(keys, str):
            keys = [keys]
        if not isinstance(keys, (list, tuple)) or not all(
                isinstance(k, str) and k for k in keys):
            raise SearchSpaceError(
                f'{where}: keys must be a dotted config key or a list of '
                f'them, got {keys!r}')
        domain['keys'] = list(keys)
        domain['condition'] = self._check_condition(
            where, domain.get('condition'))
        return domain

    @staticmethod
    def _check_choices(where: str, domain: Dict) -> None:
        choices = domain.get('choices')
        if isinstance(choices, dict):
            if not choices:
                raise SearchSpaceError(f'{where}: choices is empty')
            for cname, fragment in choices.items():
                if not isinstance(cname, str):
                    raise SearchSpaceError(
                        f'{where}: fragment choice names must be str, got '
                        f'{cname!r}')
                if not isinstance(fragment, dict):
                    raise SearchSpaceError(
                        f'{where}.choices.{cname}: a fragment must be a '
                        f'dict of config overrides, got {fragment!r}')
            domain['fragments'] = {
                k: copy.deepcopy(v) for k, v in choices.items()}
            domain['choices'] = list(choices)
        elif isinstance(choices, (list, tuple)):
            if not choices:
                raise SearchSpaceError(f'{where}: choices is empty')
            bad = [c for c in choices if not isinstance(c, _PLAIN)]
            if bad:
                raise SearchSpaceError(
                    f'{where}: choices must be None/bool/int/float/str '
                    f'(use a dict name -> fragment for configs), got {bad!r}')
            if len(set(map(repr, choices))) != len(choices):
                raise SearchSpaceError(
                    f'{where}: choices has duplicates: {list(choices)!r}')
            domain['choices'] = list(choices)
            domain['fragments'] = None
        else:
            raise SearchSpaceError(
                f'{where}: categorical needs choices (a list, or a dict '
                f'name -> fragment), got {choices!r}')

    @staticmethod
    def _check_range(where: str, kind: str, domain: Dict) -> None:
        for field in ('low', 'high'):
            if field not in domain:
                raise SearchSpaceError(f'{where}: {kind} needs {field}')
            value = domain[field]
            ok = (isinstance(value, int) and not isinstance(value, bool)
                  if kind == 'int' else _is_number(value))
            if not ok or (kind == 'float' and not math.isfinite(value)):
                raise SearchSpaceError(
                    f'{where}: {field} must be a finite '
                    f'{"int" if kind == "int" else "number"}, got {value!r}')
        low, high = domain['low'], domain['high']
        if low > high or (kind == 'float' and low == high):
            raise SearchSpaceError(
                f'{where}: needs low < high, got low={low!r}, high={high!r}')
        log = domain.setdefault('log', False)
        if not isinstance(log, bool):
            raise SearchSpaceError(f'{where}: log must be a bool')
        if log and low <= 0:
            raise SearchSpaceError(
                f'{where}: a log domain needs low > 0, got low={low!r}')
        step = domain.get('step')
        if step is not None:
            if log:
                raise SearchSpaceError(
                    f'{where}: step and log=True cannot be combined')
            ok = (isinstance(step, int) and not isinstance(step, bool)
                  if kind == 'int' else _is_number(step))
            if not ok or step <= 0:
                raise SearchSpaceError(
                    f'{where}: step must be a positive '
                    f'{"int" if kind == "int" else "number"}, got {step!r}')
        elif kind == 'int':
            domain['step'] = 1

    def _check_condition(self, where: str, condition: Any) -> Optional[Dict]:
        if condition is None:
            return None
        if not isinstance(condition, dict) or not condition:
            raise SearchSpaceError(
                f'{where}: condition must be a dict earlier_param=value(s), '
                f'got {condition!r}')
        parsed = {}
        for other, values in condition.items():
            if other not in self.domains:
                raise SearchSpaceError(
                    f'{where}: condition names {other!r}, which is not an '
                    f'earlier parameter (earlier: {list(self.domains)})')
            if not isinstance(values, (list, tuple)):
                values = [values]
            values = list(values)
            known = self.domains[other].get('choices')
            if known is not None:
                bad = [v for v in values if v not in known]
                if bad:
                    raise SearchSpaceError(
                        f'{where}: condition {other}={bad!r} is not among '
                        f'the choices {known!r}')
            parsed[other] = values
        return parsed

    # ------------------------------------------------------------ sampling
    def is_active(self, name: str, params: Dict) -> bool:
        """Whether parameter ``name`` applies given the earlier ``params``."""
        condition = self.domains[name]['condition']
        if condition is None:
            return True
        return all(
            other in params and params[other] in values
            for other, values in condition.items())

    def sample(self, trial) -> Dict:
        """Sample the active parameters with an Optuna trial (in order).

        Args:
            trial (optuna.trial.Trial): The trial that suggests values.

        Returns:
            dict: ``name -> value`` of the active parameters.
        """
        params = OrderedDict()
        for name, d in self.domains.items():
            if not self.is_active(name, params):
                continue
            if d['type'] == 'categorical':
                params[name] = trial.suggest_categorical(name, d['choices'])
            elif d['type'] == 'float':
                params[name] = trial.suggest_float(
                    name, d['low'], d['high'], log=d['log'],
                    step=d.get('step'))
            else:
                params[name] = trial.suggest_int(
                    name, d['low'], d['high'], log=d['log'], step=d['step'])
        return params

    def check_params(self, params: Dict) -> Dict:
        """Check fixed ``params`` (e.g. to enqueue) against the domains.

        Args:
            params (dict): ``name -> value``.

        Returns:
            dict: The active subset of ``params``, in space order.
        """
        unknown = set(params) - set(self.domains)
        if unknown:
            raise SearchSpaceError(
                f'{self.prefix}: unknown parameter(s) {sorted(unknown)}')
        active = OrderedDict()
        for name, d in self.domains.items():
            if not self.is_active(name, active):
                continue
            if name not in params:
                raise SearchSpaceError(
                    f'{self.prefix}.{name}: no value given for an active '
                    'parameter')
            value = params[name]
            if d['type'] == 'categorical':
                ok = value in d['choices']
            else:
                ok = _is_number(value) and d['low'] <= value <= d['high']
            if not ok:
                raise SearchSpaceError(
                    f'{self.prefix}.{name}: value {value!r} is outside the '
                    'domain')
            active[name] = value
        return active

    # ---------------------------------------------------------- resolution
    def resolve(self, base_cfg: Config, params: Dict) -> Config:
        """Apply ``params`` to a copy of ``base_cfg``.

        Fragments and values are applied in space order, then every
        ``'${name}'`` placeholder is replaced.

        Args:
            base_cfg (Config): The base training config (not modified).
            params (dict): ``name -> value`` as returned by :meth:`sample`.

        Returns:
            Config: The resolved training config.
        """
        cfg = copy.deepcopy(base_cfg)
        for name, d in self.domains.items():
            if name not in params:
                continue
            value = params[name]
            where = f'{self.prefix}.{name}'
            if d.get('fragments'):
                if value not in d['fragments']:
                    raise SearchSpaceError(
                        f'{where}: unknown choice {value!r}')
                apply_fragment(cfg, d['fragments'][value],
                               f'{where}.choices.{value}')
            for key in d['keys']:
                set_key(cfg, key, value, where)
        return substitute(cfg, params)


def apply_fragment(cfg: Config, fragment: Dict, where: str) -> None:
    """Merge a fragment into ``cfg`` in place (see the module docstring)."""
    for key, value in fragment.items():
        value = copy.deepcopy(value)
        if '.' not in key:
            cfg.merge_from_dict({key: value})
            continue
        parent, _, leaf = key.rpartition('.')
        node = _checked(get_key, cfg, parent, where, full_key=key)
        target = node.get(leaf) if isinstance(node, dict) else None
        if (isinstance(value, dict) and isinstance(target, dict)
                and not value.pop('_delete_', False)):
            # a dict under a dotted key is merged like a nested one
            cfg.merge_from_dict({key: value})
        else:
            set_key(cfg, key, value, where)


def _checked(walker_fn, cfg, key: str, where: str, *args, full_key=None):
    """``walker_fn(cfg, key, *args)`` with its :class:`ConfigKeyError` as a
    :class:`SearchSpaceError` (the same message)."""
    try:
        return walker_fn(cfg, key, *args, where=where)
    except SearchSpaceError:
        raise
    except ConfigKeyError as exc:
        msg = str(exc)
        if full_key is not None:  # name the fragment's whole key
            msg = msg.replace(f'config key {key!r}',
                              f'config key {full_key!r}')
        raise SearchSpaceError(msg) from exc


def set_key(cfg: Config, key: str, value: Any, where: str = '') -> None:
    """Set the dotted ``key`` of ``cfg`` to ``value``; the parent must exist.

    :func:`mmtin.utils.config_walker.set_key`, raising
    :class:`SearchSpaceError`.

    Args:
        cfg (Config): Config to modify in place.
        key (str): Dotted key, list items by index (``pipeline.1.clip_len``).
        value: The new value.
        where (str): Name of the setting, for errors. Default: ''.
    """
    _checked(walker_set_key, cfg, key, where, value)


def substitute(cfg: Config, params: Dict) -> Config:
    """Replace every ``'${name}'`` string in ``cfg`` by ``params[name]``."""

    def walk(obj, path):
        if isinstance(obj, str):
            match = _PLACEHOLDER.match(obj)
            if match is None:
                return obj
            name = match.group(1)
            if name not in params:
                raise SearchSpaceError(
                    f'config key {path!r} uses ${{{name}}}, but parameter '
                    f'{name!r} was not sampled in this trial (unknown or '
                    'inactive: check its condition)')
            return params[name]
        if isinstance(obj, dict):
            return type(obj)(
                (k, walk(v, f'{path}.{k}' if path else k))
                for k, v in obj.items())
        if isinstance(obj, (list, tuple)):
            return type(obj)(
                walk(v, f'{path}.{i}') for i, v in enumerate(obj))
        return obj

    resolved = walk(cfg.to_dict(), '')
    return Config(resolved, filename=cfg.filename)


def find_placeholders(obj: Any) -> List[str]:
    """Names of all ``'${name}'`` placeholders in a nested structure."""
    found = []
    if isinstance(obj, str):
        match = _PLACEHOLDER.match(obj)
        if match:
            found.append(match.group(1))
    elif isinstance(obj, (dict, ConfigDict)):
        for v in obj.values():
            found.extend(find_placeholders(v))
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            found.extend(find_placeholders(v))
    return found
