# Copyright (c) OpenMMLab. All rights reserved.
"""Named data variants: the one place that checks an axis value and
resolves ``variant=NAME`` plus explicit keyword arguments.

Each generator (``small_object``, ``audio_visual``, ``moving_object``)
declares its axes of variation (``AXES``: axis name -> allowed values, or
None for a numeric axis) and a registry ``VARIANTS`` of named settings of
all its axes. ``'dev'`` is the development variant (the data the methods
were built on); the others are held out: tune on ``dev``'s val split,
report on the held-out ones.
"""
from typing import Dict, Mapping, Optional, Sequence


def check_choice(name: str, value, choices: Sequence) -> None:
    """Raise a ValueError naming ``name`` unless ``value`` is one of
    ``choices``.

    Args:
        name (str): The argument's name, for the message.
        value: The value given.
        choices (Sequence): The allowed values.
    """
    if value not in tuple(choices):
        raise ValueError(f'{name} must be one of {tuple(choices)}, '
                         f'got {value!r}')


def check_positive(name: str, value) -> None:
    """Raise a ValueError naming ``name`` unless ``value > 0``."""
    if not value > 0:
        raise ValueError(f'{name} must be > 0, got {value!r}')


def resolve_variant(variants: Mapping[str, Mapping], variant: str,
                    axes: Mapping[str, Optional[Sequence]],
                    **overrides) -> Dict:
    """The axis values of ``variant`` with the non-None ``overrides``
    applied, every categorical axis checked.

    Args:
        variants (Mapping[str, Mapping]): The generator's registry.
        variant (str): A name of ``variants``.
        axes (Mapping[str, Sequence | None]): Allowed values per axis
            (None: numeric, checked by the generator).
        **overrides: Explicit axis values; None keeps the variant's.

    Returns:
        dict: One value per axis, in the order of ``axes``.
    """
    check_choice('variant', variant, variants)
    unknown = set(overrides) - set(axes)
    if unknown:
        raise TypeError(f'unknown axes {sorted(unknown)}; the axes are '
                        f'{list(axes)}')
    resolved = {}
    for name, choices in axes.items():
        value = overrides.get(name)
        value = variants[variant][name] if value is None else value
        if choices is not None:
            check_choice(name, value, choices)
        resolved[name] = value
    return resolved
