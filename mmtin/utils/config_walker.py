# Copyright (c) OpenMMLab. All rights reserved.
"""The one walker over config trees.

Every edit mmtin's tools make to a loaded config goes through here:

* :func:`iter_config` visits every entry of a nested dict/list tree with its
  dotted key (list items by index: ``train_pipeline.1.clip_len``);
* :func:`get_key` / :func:`set_key` read and write one dotted key, with an
  error that names the key and the first part of it that does not exist;
* :func:`disable_pretrained` strips every download from a model config;
* :func:`set_num_segments` sets every ``num_segments`` of a model config;
* :func:`replace_data_root` moves every dataset path from the config's
  ``data_root`` to another folder;
* :func:`set_max_epochs` changes the training length and rescales the
  parameter schedulers with it.

Dotted keys use the same form as MMEngine's ``--cfg-options``.
"""
from typing import Any, Iterator, List, Tuple

from mmengine.config import Config

from .type_defaults import type_defaults

DATALOADER_KEYS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


class ConfigKeyError(ValueError):
    """A dotted config key that does not exist, or cannot be set."""


def _root(cfg):
    return cfg._cfg_dict if isinstance(cfg, Config) else cfg


def _join(prefix: str, key) -> str:
    return f'{prefix}.{key}' if prefix else str(key)


def iter_config(node: Any, prefix: str = '') -> Iterator[Tuple[str, Any, Any,
                                                                 Any]]:
    """Every entry of a config tree, parents before children.

    Args:
        node: A ``Config``, dict or list.
        prefix (str): Dotted key of ``node`` itself. Default: ''.

    Yields:
        tuple: ``(dotted_key, parent, key, value)``; ``parent[key] is
        value``, so a visitor may assign ``parent[key] = new``.
    """
    node = _root(node)
    if isinstance(node, dict):
        items = list(node.items())
    elif isinstance(node, (list, tuple)):
        items = list(enumerate(node))
    else:
        return
    for key, value in items:
        name = _join(prefix, key)
        yield name, node, key, value
        yield from iter_config(value, name)


def _child(node, part: str, key: str, path: str, where: str):
    if isinstance(node, (list, tuple)):
        if part.isdigit() and int(part) < len(node):
            return node[int(part)]
    elif isinstance(node, dict) and part in node:
        return node[part]
    raise ConfigKeyError(f'{where}config key {key!r}: {path!r} does not '
                         'exist in the config')


def _prefix(where: str) -> str:
    return f'{where}: ' if where else ''


def get_key(cfg, key: str, where: str = '') -> Any:
    """The value of the dotted ``key`` of ``cfg``.

    Args:
        cfg (Config | dict): The config.
        key (str): Dotted key, list items by index.
        where (str): Who asks, for the error. Default: ''.

    Raises:
        ConfigKeyError: naming ``key`` and the first missing part.
    """
    node = _root(cfg)
    parts = key.split('.')
    for depth, part in enumerate(parts):
        node = _child(node, part, key, '.'.join(parts[:depth + 1]),
                      _prefix(where))
    return node


def set_key(cfg, key: str, value: Any, where: str = '') -> None:
    """Set the dotted ``key`` of ``cfg`` to ``value`` (in place).

    The parent of the last part must exist; the last part may be new for a
    dict, and must be an existing index for a list.

    Args:
        cfg (Config | dict): The config.
        key (str): Dotted key, list items by index.
        value: The new value.
        where (str): Who sets it, for the error. Default: ''.

    Raises:
        ConfigKeyError: naming ``key`` and what is wrong with it.
    """
    parts = key.split('.')
    node = _root(cfg)
    for depth, part in enumerate(parts[:-1]):
        node = _child(node, part, key, '.'.join(parts[:depth + 1]),
                      _prefix(where))
    leaf = parts[-1]
    if isinstance(node, list):
        if not leaf.isdigit() or int(leaf) >= len(node):
            raise ConfigKeyError(
                f'{_prefix(where)}config key {key!r}: index {leaf!r} is not '
                f'in a list of length {len(node)}')
        node[int(leaf)] = value
    elif isinstance(node, dict):
        node[leaf] = value
    else:
        raise ConfigKeyError(
            f'{_prefix(where)}config key {key!r}: {".".join(parts[:-1])!r} '
            f'is a {type(node).__name__}, not a dict or list')


def disable_pretrained(model_cfg: dict) -> List[str]:
    """Remove every pretrained-weight download from a model config.

    ``pretrained=<str>`` becomes ``None``; ``pretrained=True`` (timm /
    torchvision backbones) and ``pretrained2d`` become ``False``;
    ``init_cfg`` entries of type ``Pretrained`` are dropped. A key a
    registered type takes but the config leaves out counts with the type's
    default (``ResNetTSM`` defaults to ``pretrained2d=True``). Works in
    place, at any depth.

    Args:
        model_cfg (dict): The ``model`` part of a config.

    Returns:
        list[str]: The dotted keys that were changed.
    """
    changed = []
    nodes = [('', _root(model_cfg))]
    nodes += [(name + '.', value)
              for name, _, key, value in iter_config(model_cfg)
              if key not in ('init_cfg', 'pretrained', 'pretrained2d')]
    # iter_config also descends into init_cfg; those dicts are not modules
    nodes = [(p, n) for p, n in nodes
             if isinstance(n, dict) and '.init_cfg' not in f'.{p}']
    for prefix, node in nodes:
        defaults = type_defaults(node.get('type'))
        value = node.get('pretrained', defaults.get('pretrained'))
        if isinstance(value, str) or value is True:
            node['pretrained'] = None if isinstance(value, str) else False
            changed.append(prefix + 'pretrained')
        if node.get('pretrained2d', defaults.get('pretrained2d')):
            node['pretrained2d'] = False
            changed.append(prefix + 'pretrained2d')
        init_cfg = node.get('init_cfg', None)
        if init_cfg is not None:
            kept = _drop_pretrained_init(init_cfg)
            if kept is not init_cfg:
                node['init_cfg'] = kept
                changed.append(prefix + 'init_cfg')
    return changed


def _drop_pretrained_init(init_cfg):
    """``init_cfg`` without its ``Pretrained`` entries (same object if
    there was none)."""
    if isinstance(init_cfg, dict):
        return None if init_cfg.get('type') == 'Pretrained' else init_cfg
    if isinstance(init_cfg, (list, tuple)):
        kept = [c for c in init_cfg if _drop_pretrained_init(c) is not None]
        return init_cfg if len(kept) == len(init_cfg) else kept
    return init_cfg


def set_num_segments(model_cfg: dict, num_segments: int) -> List[str]:
    """Set every ``num_segments`` of a model config (in place).

    Also sets it on sub-configs whose registered type takes a
    ``num_segments`` argument the config leaves at its default.

    Args:
        model_cfg (dict): The ``model`` part of a config.
        num_segments (int): The new number of segments.

    Returns:
        list[str]: The dotted keys that were set.
    """
    changed = []
    nodes = [('', _root(model_cfg))]
    nodes += [(name + '.', value)
              for name, _, _, value in iter_config(model_cfg)]
    for prefix, node in nodes:
        if isinstance(node, dict) and (
                'num_segments' in node
                or 'num_segments' in type_defaults(node.get('type'))):
            node['num_segments'] = num_segments
            changed.append(prefix + 'num_segments')
    return changed


def replace_data_root(cfg, new_root: str) -> List[str]:
    """Move every dataset path of ``cfg`` from its ``data_root`` to
    ``new_root`` (in place).

    Every string under ``{train,val,test}_dataloader`` (nested dataset
    wrappers included) that equals the old ``data_root`` or starts with
    ``data_root + '/'`` is rewritten, and ``data_root`` itself is set.

    Args:
        cfg (Config): The config; must define a ``data_root`` string.
        new_root (str): The new folder.

    Returns:
        list[str]: The dotted keys that were changed.

    Raises:
        ConfigKeyError: if the config defines no ``data_root`` string.
    """
    old = cfg.get('data_root', None)
    if not isinstance(old, str) or not old.strip('/'):
        raise ConfigKeyError(
            f'config {getattr(cfg, "filename", None) or "<dict>"} defines '
            'no `data_root` string to replace')
    old, new_root = old.rstrip('/'), new_root.rstrip('/')
    changed = ['data_root']
    cfg['data_root'] = new_root
    for loader in DATALOADER_KEYS:
        if not isinstance(cfg.get(loader, None), dict):
            continue
        for name, parent, key, value in iter_config(cfg[loader], loader):
            if isinstance(value, str) and (value == old or
                                           value.startswith(old + '/')):
                parent[key] = new_root + value[len(old):]
                changed.append(name)
    return changed


def set_max_epochs(cfg, epochs: int) -> List[str]:
    """Train for ``epochs`` epochs; the parameter schedulers keep their
    shape (``begin``/``end``/``T_max``/``milestones`` scaled by
    ``epochs / max_epochs``, rounded, at least 1 where it was).

    Args:
        cfg (Config): A config with an epoch-based ``train_cfg``.
        epochs (int): The new number of epochs.

    Returns:
        list[str]: The dotted keys that were changed.
    """
    old = get_key(cfg, 'train_cfg.max_epochs', 'set_max_epochs')
    if not isinstance(epochs, int) or epochs < 1:
        raise ConfigKeyError(
            f'set_max_epochs: epochs must be a positive int, got {epochs!r}')
    cfg.train_cfg.max_epochs = epochs
    changed = ['train_cfg.max_epochs']

    def scale(value):
        scaled = round(value * epochs / old)
        return max(1, scaled) if value > 0 else scaled

    schedulers = cfg.get('param_scheduler', None) or []
    if isinstance(schedulers, dict):
        schedulers = [schedulers]
    for i, sched in enumerate(schedulers):
        if not sched.get('by_epoch', True):
            continue
        for key in ('begin', 'end', 'T_max'):
            if isinstance(sched.get(key, None), (int, float)) and \
                    sched[key] < 2**30:
                sched[key] = scale(sched[key])
                changed.append(f'param_scheduler.{i}.{key}')
        if 'milestones' in sched:
            sched['milestones'] = [scale(m) for m in sched['milestones']]
            changed.append(f'param_scheduler.{i}.milestones')
    return changed
