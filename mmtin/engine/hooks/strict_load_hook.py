# Copyright (c) OpenMMLab. All rights reserved.
"""Make the Runner's ``load_from`` strict: a checkpoint of another
architecture fails, naming the keys, instead of loading "successfully".

MMEngine's Runner loads ``load_from`` with ``strict=False`` and only logs
the keys that do not match, so ``tools/test.py`` with the weights of
another model printed an accuracy of a randomly initialised one.
"""
from mmaction.registry import HOOKS
from mmengine.hooks import Hook

from mmtin.ckpt_convert.key_match import raise_if_mismatch, state_dict_of

STRICT_KEY = 'checkpoint_strict'
OPT_OUT = (f'Pass --non-strict (or set {STRICT_KEY} = False in the '
           'config)')


@HOOKS.register_module()
class StrictLoadHook(Hook):
    """Check ``load_from`` against the model before the Runner loads it.

    Runs in ``before_run``, which MMEngine calls before ``load_or_resume``
    in ``train()``, ``val()`` and ``test()``. Resuming from the work dir
    (``resume=True`` without ``load_from``) is not checked: those are the
    Runner's own checkpoints.

    Args:
        strict (bool): Raise :class:`CheckpointMismatchError` on any
            missing, unexpected or wrongly shaped key. Default: True.
    """

    priority = 'VERY_LOW'  # after the other hooks changed the model

    def __init__(self, strict: bool = True) -> None:
        self.strict = strict

    def before_run(self, runner) -> None:
        from mmengine.model import is_model_wrapper
        from mmengine.runner import CheckpointLoader
        filename = getattr(runner, '_load_from', None)
        if not self.strict or not filename:
            return
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        checkpoint = CheckpointLoader.load_checkpoint(
            str(filename), map_location='cpu')
        raise_if_mismatch(model, state_dict_of(checkpoint), filename, OPT_OUT)
        runner.logger.info(f'StrictLoadHook: {filename} fits the model')


def add_strict_load_hook(cfg,
                         non_strict: bool = False,
                         from_config: bool = True) -> bool:
    """Add a :class:`StrictLoadHook` to ``cfg.custom_hooks`` (once).

    The config key ``checkpoint_strict`` (default True) says how the
    config's own ``load_from`` loads: a config that initialises from a
    checkpoint of another model on purpose (a new head, a new critic)
    sets it to False. The tools' ``--non-strict`` sets it to False too.
    ``tools/test.py`` replaces ``load_from`` by its CHECKPOINT argument, so
    there the config's key does not apply (``from_config=False``): only
    ``--non-strict`` opts out.

    Args:
        cfg (mmengine.Config): A full config (changed in place).
        non_strict (bool): The ``--non-strict`` command-line flag.
            Default: False.
        from_config (bool): Read ``checkpoint_strict`` from ``cfg``.
            Default: True.

    Returns:
        bool: Whether ``load_from`` is checked strictly.
    """
    strict = cfg.get(STRICT_KEY, True) if from_config else True
    if not isinstance(strict, bool):
        raise TypeError(f'{STRICT_KEY} must be True or False, got '
                        f'{strict!r}')
    strict = strict and not non_strict
    cfg[STRICT_KEY] = strict
    hooks = [
        h for h in (cfg.get('custom_hooks', None) or [])
        if h.get('type') not in ('StrictLoadHook', 'mmaction.StrictLoadHook')
    ]
    hooks.append(dict(type='StrictLoadHook', strict=strict))
    cfg.custom_hooks = hooks
    return strict
