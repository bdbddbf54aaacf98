# Copyright (c) OpenMMLab. All rights reserved.
"""The one place for argument rules shared by several mmtin modules.

Every error names the owner (``TINResNet``, ``layer1.0.conv1``, ...) and the
config key, so a user sees which value of which config to fix.
"""


def check_int(value, key: str, owner: str, minimum: int = 1,
              hint: str = '') -> None:
    """Raise a ``ValueError`` unless ``value`` is an int >= ``minimum``.

    Args:
        value: The value given for ``key``.
        key (str): Config key, e.g. ``'num_segments'``.
        owner (str): Name of the module or layer, for the message.
        minimum (int): Smallest allowed value. Default: 1.
        hint (str): Extra text after the rule, e.g.
            ``' (8 or 16 as published)'``. Default: ''.
    """
    if isinstance(value, bool) or not isinstance(value, int) or \
            value < minimum:
        raise ValueError(f'{owner}: {key} must be an int >= {minimum}'
                         f'{hint}, got {value!r}')


def check_num_segments(num_segments, owner: str, minimum: int = 1,
                       hint: str = '') -> None:
    """The ``num_segments`` rule: an int >= ``minimum`` (1 for TIN and the
    heads, 2 for TDN, whose differences need two segments).

    Args:
        num_segments: The value given.
        owner (str): Name of the module, for the message.
        minimum (int): Smallest allowed value. Default: 1.
        hint (str): Extra text after the rule. Default: ''.
    """
    check_int(num_segments, 'num_segments', owner, minimum, hint)


def check_shift_div(in_channels: int, shift_div, owner: str) -> None:
    """The TIN channel rule for ``shift_div``.

    ``in_channels // shift_div`` channels are interlaced in 4 groups, so
    ``shift_div`` must be a positive int dividing ``in_channels`` and the
    quotient a positive multiple of 4.

    Args:
        in_channels (int): Channels of the interlaced input.
        shift_div: The value given for ``shift_div``.
        owner (str): Name of the module or layer, for the message.
    """
    if isinstance(shift_div, bool) or not isinstance(shift_div, int) or \
            shift_div < 1:
        raise ValueError(f'{owner}: shift_div must be a positive int, got '
                         f'shift_div={shift_div!r}')
    folds = in_channels // shift_div
    if in_channels % shift_div != 0 or folds == 0 or folds % 4 != 0:
        raise ValueError(
            f'{owner}: shift_div={shift_div} cannot interlace in_channels='
            f'{in_channels}: shift_div must divide in_channels and '
            f'in_channels // shift_div = {folds} must be positive and '
            'divisible by 4 (the TIN channel groups)')
