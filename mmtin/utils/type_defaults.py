# Copyright (c) OpenMMLab. All rights reserved.
"""The one reader of the constructor defaults of registered model types,
used by the config checks (``num_segments`` of a backbone/head) and the
model-analysis helpers (``pretrained``, ``num_segments``)."""
import inspect


def _resolve(type_name):
    """The class registered in MMAction2's ``MODELS`` as ``type_name`` (or
    ``type_name`` itself if it is a class); None if unknown."""
    if inspect.isclass(type_name):
        return type_name
    if not isinstance(type_name, str):
        return None
    from mmaction.registry import MODELS
    try:
        cls = MODELS.get(type_name)
    except (KeyError, TypeError, ValueError):  # e.g. an unknown scope
        return None
    return cls if inspect.isclass(cls) else None


def type_defaults(type_name) -> dict:
    """Constructor parameters of a registered type and their defaults.

    ``**kwargs`` are followed up the class hierarchy (``TINResNet`` ->
    ``ResNetTSM`` -> ``ResNet``), so parameters a subclass passes on are
    included; the nearest class wins.

    Args:
        type_name (str | type): A ``type`` of a model config, or a class.

    Returns:
        dict: ``{name: default}``; ``None`` marks a parameter without a
        default. Empty if the type is unknown.
    """
    cls = _resolve(type_name)
    if cls is None:
        return {}
    defaults = {}
    for klass in inspect.getmro(cls):
        init = klass.__dict__.get('__init__')
        if init is None:
            continue
        try:
            params = inspect.signature(init).parameters
        except (TypeError, ValueError):
            break
        for name, p in params.items():
            if name == 'self' or p.kind in (p.VAR_KEYWORD,
                                            p.VAR_POSITIONAL):
                continue
            defaults.setdefault(
                name, None if p.default is inspect.Parameter.empty
                else p.default)
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            break
    return defaults


def cfg_arg(module_cfg, name: str):
    """``module_cfg[name]``, else the default of its type (None if
    neither).

    Args:
        module_cfg (dict | None): A module config with a ``type``.
        name (str): The argument.

    Returns:
        The value the built module gets for ``name`` (None if unknown).
    """
    if module_cfg is None:
        return None
    if name in module_cfg:
        return module_cfg[name]
    return type_defaults(module_cfg.get('type')).get(name)
