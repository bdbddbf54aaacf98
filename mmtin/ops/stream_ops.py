# Copyright (c) OpenMMLab. All rights reserved.
"""Pure functions behind causal (streaming) video models such as MoViNet.

Every function takes the state carried over from the previous chunk and
returns the new state, so that running a clip in chunks gives the same result
as running it whole (see the mmtin spec of the related systems section 5,
"Stream buffer"). ``None`` always stands for the state at the start of a
video (zero buffer, zero running sum, zero frame count). Tensors are laid out
``[N, C, T, ...]``; frame counts are ``int64`` tensors of shape ``[1]``.
"""
from typing import Optional, Tuple

import torch
from torch import Tensor


def _check_state(name: str, state: Tensor, expected: tuple) -> None:
    if tuple(state.shape) != tuple(expected):
        raise ValueError(f'stream state {name!r} has shape '
                         f'{tuple(state.shape)}, expected {tuple(expected)} '
                         f'(did the batch size or input resolution change '
                         f'between chunks?)')


def _zero_count(ref: Tensor) -> Tensor:
    return torch.zeros(1, dtype=torch.long, device=ref.device)


def stream_buffer(x: Tensor, buffer: Optional[Tensor],
                  size: int) -> Tuple[Tensor, Optional[Tensor]]:
    """Prepend the last ``size`` frames of the previous input.

    A temporal convolution with kernel ``k`` and no temporal padding, applied
    to ``cat([buffer, x])`` with ``size = k - 1``, is the causal convolution
    of the whole video restricted to the frames of ``x``. A zero buffer is the
    causal zero padding at the start of the video.

    Args:
        x (Tensor): The current chunk, ``[N, C, T, H, W]``.
        buffer (Tensor, optional): The last ``size`` frames seen so far,
            ``[N, C, size, H, W]``; ``None`` at the start of a video.
        size (int): Frames to keep (``kernel_t - 1``); 0 disables buffering.

    Returns:
        tuple[Tensor, Tensor | None]: ``cat([buffer, x], dim=2)`` and the new
        buffer (its last ``size`` frames; ``None`` when ``size`` is 0).
        The new buffer is correct even when ``T < size``.
    """
    if size == 0:
        return x, None
    n, c, _, h, w = x.shape
    if buffer is None:
        buffer = x.new_zeros(n, c, size, h, w)
    else:
        _check_state('buffer', buffer, (n, c, size, h, w))
        buffer = buffer.to(x.dtype)
    full = torch.cat([buffer, x], dim=2)
    return full, full[:, :, full.shape[2] - size:]


def cumulative_mean(
        x: Tensor, total: Optional[Tensor],
        count: Optional[Tensor]) -> Tuple[Tensor, Tensor, Tensor]:
    """Causal mean over time: output frame ``t`` is ``mean(x[..., :t+1])``.

    Args:
        x (Tensor): Per-frame values of the current chunk, ``[N, C, T]``.
        total (Tensor, optional): Sum of all earlier frames, ``[N, C]``.
        count (Tensor, optional): Number of earlier frames, ``[1]``.

    Returns:
        tuple[Tensor, Tensor, Tensor]: The running means ``[N, C, T]`` (over
        every frame seen so far, earlier chunks included), the new total and
        the new count.
    """
    n, c, t = x.shape
    if total is None:
        total = x.new_zeros(n, c)
    else:
        _check_state('total', total, (n, c))
    if count is None:
        count = _zero_count(x)
    csum = torch.cumsum(x, dim=2) + total.to(x.dtype).unsqueeze(-1)
    steps = torch.arange(1, t + 1, device=x.device, dtype=torch.long)
    divisor = (steps + count).to(x.dtype)
    return csum / divisor, csum[:, :, -1], count + t


def running_mean(x: Tensor, total: Optional[Tensor],
                 count: Optional[Tensor]) -> Tuple[Tensor, Tensor, Tensor]:
    """Mean over every frame seen so far (one value per clip).

    After the last chunk this is the global temporal mean of the video.

    Args:
        x (Tensor): Per-frame values of the current chunk, ``[N, C, T]``.
        total (Tensor, optional): Sum of all earlier frames, ``[N, C]``.
        count (Tensor, optional): Number of earlier frames, ``[1]``.

    Returns:
        tuple[Tensor, Tensor, Tensor]: The mean ``[N, C]``, the new total and
        the new count.
    """
    n, c, t = x.shape
    if total is None:
        total = x.new_zeros(n, c)
    else:
        _check_state('total', total, (n, c))
    if count is None:
        count = _zero_count(x)
    total = total.to(x.dtype) + x.sum(dim=2)
    count = count + t
    return total / count.to(x.dtype), total, count


def sinusoidal_position_encoding(start: Tensor, length: int, channels: int,
                                 dtype: torch.dtype = torch.float32,
                                 device=None) -> Tensor:
    """Sinusoidal encoding of frame positions ``start .. start+length-1``.

    Channel ``i`` uses the angle ``p / 10000 ** (2 * (i // 2) / channels)``;
    the even channels' sines come first, then the odd channels' cosines (the
    MoViNet layout).

    Args:
        start (Tensor): Index of the first frame, ``int64`` of shape ``[1]``.
        length (int): Number of frames.
        channels (int): Number of channels.
        dtype (torch.dtype): Output dtype. Default: ``torch.float32``.
        device (torch.device, optional): Output device. Default: None.

    Returns:
        Tensor: ``[channels, length]``.
    """
    pos = (torch.arange(length, device=device, dtype=torch.long) +
           start.to(device)).to(dtype)
    idx = torch.arange(channels, device=device)
    power = (2 * torch.div(idx, 2, rounding_mode='floor')).to(dtype) / channels
    angles = pos[:, None] / torch.pow(
        torch.tensor(10000.0, dtype=dtype, device=device), power)[None, :]
    enc = torch.cat([torch.sin(angles[:, 0::2]),
                     torch.cos(angles[:, 1::2])], dim=1)
    return enc.t()


def sub_states(states: Optional[dict], prefix: str) -> Optional[dict]:
    """The entries of ``states`` under ``prefix`` with the prefix removed.

    ``None`` (start of a video, or clip mode) stays ``None``.
    """
    if states is None:
        return None
    return {k[len(prefix):]: v for k, v in states.items()
            if k.startswith(prefix)}


def add_states(out: dict, prefix: str, states: dict) -> dict:
    """Store ``states`` in ``out`` under ``prefix`` and return ``out``."""
    for k, v in states.items():
        out[prefix + k] = v
    return out
