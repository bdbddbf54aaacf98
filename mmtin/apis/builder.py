# Copyright (c) OpenMMLab. All rights reserved.
"""The one way mmtin builds a recognizer from a config (and a checkpoint).

Tools, demos, the ONNX export, the benchmarks and the tests all call
:func:`build_recognizer`.
"""
import copy
import logging
import os.path as osp
from typing import Optional, Tuple, Union

from mmengine.config import Config
from torch import nn

from mmtin.models.utils import pop_deploy_flag, switch_to_deploy
from mmtin.utils.config_walker import disable_pretrained, set_num_segments
from .checkpoint import load_checkpoint

NO_CHECKPOINT = 'none'


def load_config(config: Union[str, Config]) -> Config:
    """A loaded config (``config`` itself if it is one).

    Raises:
        FileNotFoundError: If the config file does not exist.
        TypeError: If ``config`` is neither a path nor a ``Config``.
    """
    if isinstance(config, Config):
        return config
    if not isinstance(config, str):
        raise TypeError(f'config must be a file path or an mmengine Config, '
                        f'got {type(config).__name__}')
    if not osp.isfile(config):
        raise FileNotFoundError(f'config file not found: {config}')
    return Config.fromfile(config)


def prepare_model_cfg(cfg,
                      num_segments: Optional[int] = None) -> Tuple[dict, list]:
    """A copy of ``cfg.model`` without downloads, optionally with
    ``num_segments`` set everywhere.

    Args:
        cfg (mmengine.Config): A full config.
        num_segments (int, optional): See
            :func:`mmtin.utils.config_walker.set_num_segments`.
            Default: None.

    Returns:
        tuple[dict, list[str]]: The model config and the changed keys.
    """
    if 'model' not in cfg:
        raise KeyError(f'config {getattr(cfg, "filename", "")!r} has no '
                       '`model`')
    model_cfg = copy.deepcopy(cfg.model)
    changed = disable_pretrained(model_cfg)
    if num_segments is not None:
        changed += set_num_segments(model_cfg, num_segments)
    return model_cfg, changed


def init_weights_quietly(model: nn.Module) -> None:
    """``model.init_weights()`` with MMEngine's per-parameter log muted.

    Args:
        model (nn.Module): A model with an ``init_weights`` method.
    """
    from mmengine.logging import MMLogger
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        model.init_weights()
    finally:
        logger.setLevel(level)


def _is_no_checkpoint(checkpoint) -> bool:
    return checkpoint is None or str(checkpoint).lower() == NO_CHECKPOINT


def build_recognizer(config,
                     *,
                     checkpoint: Optional[str] = None,
                     device: str = 'cpu',
                     deploy: bool = False,
                     strict: bool = True,
                     pretrained: bool = False,
                     num_segments: Optional[int] = None,
                     init_weights: bool = True) -> nn.Module:
    """Build a recognizer from a config, in eval mode.

    Args:
        config (str | mmengine.Config | dict): A config file, a loaded
            config (kept as ``model.cfg``, as MMAction2's
            ``init_recognizer`` does) or a model config dict.
        checkpoint (str, optional): Weights to load after building; None or
            ``'none'`` keeps the random initialisation. Default: None.
        device (str): Where the model goes. Default: 'cpu'.
        deploy (bool): Convert the model with
            :func:`mmtin.models.utils.switch_to_deploy` after loading the
            weights. ``deploy=True`` in the model config does the same.
            Default: False.
        strict (bool): The checkpoint must match the model key for key,
            see :func:`mmtin.apis.load_checkpoint`. Default: True.
        pretrained (bool): Keep the config's pretrained-weight downloads;
            by default they are removed (the weights come from
            ``checkpoint`` or the random initialisation). Default: False.
        num_segments (int, optional): Set every ``num_segments`` of the
            model config. Default: None.
        init_weights (bool): Call ``model.init_weights()`` (quietly) when
            no checkpoint is given. Default: True.

    Returns:
        nn.Module: The recognizer, in eval mode on ``device``.
    """
    from mmengine.registry import init_default_scope

    from mmaction.registry import MODELS
    cfg = None
    if isinstance(config, (str, Config)):
        cfg = load_config(config)
        model_cfg = copy.deepcopy(cfg.get('model', None))
        if model_cfg is None:
            raise KeyError(f'config {cfg.filename!r} has no `model`')
        scope = cfg.get('default_scope', 'mmaction')
    elif isinstance(config, dict):
        model_cfg, scope = copy.deepcopy(dict(config)), 'mmaction'
    else:
        raise TypeError('config must be a file path, an mmengine Config or '
                        f'a model config dict, got {type(config).__name__}')
    if not pretrained:
        disable_pretrained(model_cfg)
    if num_segments is not None:
        set_num_segments(model_cfg, num_segments)
    deploy = pop_deploy_flag(model_cfg) or deploy
    init_default_scope(scope)
    model = MODELS.build(model_cfg)
    if _is_no_checkpoint(checkpoint):
        if init_weights and hasattr(model, 'init_weights'):
            init_weights_quietly(model)
    else:
        load_checkpoint(model, checkpoint, strict=strict)
    if cfg is not None:
        model.cfg = cfg
    model = model.to(device)
    return switch_to_deploy(model) if deploy else model.eval()
