# Copyright (c) OpenMMLab. All rights reserved.
"""LSTS alignment module: embeddings plus learnable global offsets."""
import math
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule, normal_init
from torch import Tensor

from mmtin.ops import lsts_align, lsts_align_matmul
from ..utils.validators import check_int

OffsetInit = Union[str, Sequence[Sequence[float]], Tensor]


def grid_offsets(num_offsets: int, radius: Optional[float] = None) -> Tensor:
    """The integer-grid initialisation of the offsets: a ``sqrt(N) x
    sqrt(N)`` grid. (The sampling positions built from the offsets are
    :func:`mmtin.ops.lsts_align.sampling_grid`.)

    Args:
        num_offsets (int): ``N``, a perfect square.
        radius (float, optional): The grid spans ``[-radius, radius]^2``;
            None gives the integer grid, ``radius = (sqrt(N) - 1) / 2``
            (9 x 9 over ``[-4, 4]^2`` for ``N = 81``). Default: None.

    Returns:
        Tensor: ``[N, 2]`` offsets ``(dx, dy)``, row-major over ``dy``.
    """
    side = math.isqrt(num_offsets)
    if side * side != num_offsets:
        raise ValueError(
            f'LSTSAlign: num_offsets={num_offsets} must be a perfect square '
            "for offset_init='grid'")
    if radius is None:
        radius = (side - 1) / 2
    axis = torch.linspace(-radius, radius, side)
    dy, dx = torch.meshgrid(axis, axis, indexing='ij')
    return torch.stack((dx.flatten(), dy.flatten()), dim=1)


@MODELS.register_module()
class LSTSAlign(BaseModule):
    """Learnable spatio-temporal sampling (LSTS) alignment.

    Current and reference inputs are embedded (``ConvModule``, 1x1 by
    default); the reference features are sampled at ``p + o_k`` for ``N``
    learnable offsets shared by all positions and summed with the weights
    ``softmax_k <e_cur(p), e_ref(p + o_k)>`` (see
    :func:`mmtin.ops.lsts_align`).

    The offsets are the parameter ``offsets`` (``[N, 2]``, ``(dx, dy)`` in
    feature-map cells). The paper trains them with a much larger learning
    rate than the rest (``lr_mult=1e4`` with SGD at ``lr=2.5e-4``); give it
    through ``optim_wrapper.paramwise_cfg = dict(custom_keys={'.offsets':
    dict(lr_mult=..., decay_mult=0.)})``.

    :meth:`switch_to_deploy` (inference) swaps in
    :func:`mmtin.ops.lsts_align_matmul`, the same function computed without
    the ``[B, C, N, H, W]`` samples of the paper's form (3.6 s and 0.9 GB
    -> 44 ms for ResNet-50 res5 maps of 6 frames, 81 offsets, one CPU
    thread).

    Args:
        in_channels (int): Channels of the inputs that are embedded.
        embed_channels (int): Embedding channels ``E``. Default: 256.
        num_offsets (int): Number of offsets ``N``. Default: 81.
        offset_init (str | Sequence | Tensor): ``'grid'`` (the integer
            ``sqrt(N) x sqrt(N)`` grid, scaled to ``grid_radius``),
            ``'normal'`` (``N(0, normal_std^2 I)`` samples) or explicit
            ``[N, 2]`` offsets. Default: 'grid'.
        grid_radius (float, optional): Half-width of the grid; None: the
            integer grid. Default: None.
        normal_std (float): Standard deviation of the normal init.
            Default: 1.0.
        share_embedding (bool): One embedding for both frames (both inputs
            then live in the same feature space). Default: False.
        embed_cfg (dict): Arguments of the embedding ``ConvModule`` besides
            the channels (``kernel_size``, ``conv_cfg``, ``norm_cfg``,
            ``act_cfg``, ...). Default: 1x1 conv, no norm, no activation.
        embed_init_std (float, optional): None: the embedding convs keep
            ``ConvModule``'s Kaiming init. A float: their weights start as
            ``N(0, embed_init_std^2)`` samples and their biases at zero (as
            new layers of detection codebases of the paper's time start),
            so the similarities start near zero and the weights near
            uniform, where the softmax passes gradients to the embeddings;
            Kaiming-initialised embeddings of large features start with
            peaked weights. Default: None.
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 in_channels: int,
                 embed_channels: int = 256,
                 num_offsets: int = 81,
                 offset_init: OffsetInit = 'grid',
                 grid_radius: Optional[float] = None,
                 normal_std: float = 1.0,
                 share_embedding: bool = False,
                 embed_cfg: Optional[dict] = None,
                 embed_init_std: Optional[float] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if embed_init_std is not None and (
                isinstance(embed_init_std, bool)
                or not isinstance(embed_init_std, (int, float))
                or not embed_init_std > 0):
            raise ValueError('LSTSAlign: embed_init_std must be None or a '
                             f'number > 0, got {embed_init_std!r}')
        check_int(num_offsets, 'num_offsets', 'LSTSAlign')
        self.in_channels = in_channels
        self.embed_channels = embed_channels
        self.num_offsets = num_offsets
        self.offset_init = offset_init
        self.grid_radius = grid_radius
        self.normal_std = normal_std
        self.offsets = nn.Parameter(self._initial_offsets())
        self.deploy = False
        cfg = dict(kernel_size=1, act_cfg=None)
        cfg.update(embed_cfg or {})
        cfg.setdefault('padding', cfg['kernel_size'] // 2)
        self.embed_cur = ConvModule(in_channels, embed_channels, **cfg)
        self.embed_ref = self.embed_cur if share_embedding else ConvModule(
            in_channels, embed_channels, **cfg)
        self.embed_init_std = embed_init_std
        self._init_embeddings()

    def _init_embeddings(self) -> None:
        if self.embed_init_std is None:
            return
        for embed in (self.embed_cur, self.embed_ref):
            normal_init(embed.conv, mean=0., std=self.embed_init_std, bias=0.)

    def init_weights(self) -> None:
        """The usual init, then ``embed_init_std`` (the embedding
        ``ConvModule``s re-initialise themselves on ``init_weights``)."""
        super().init_weights()
        self._init_embeddings()

    def _initial_offsets(self) -> Tensor:
        init = self.offset_init
        if isinstance(init, str):
            if init == 'grid':
                return grid_offsets(self.num_offsets, self.grid_radius)
            if init == 'normal':
                return torch.randn(self.num_offsets, 2) * self.normal_std
            raise ValueError(
                f"LSTSAlign: offset_init={init!r} must be 'grid', 'normal' "
                'or an [N, 2] list of offsets')
        offsets = torch.as_tensor(init, dtype=torch.float32)
        if offsets.shape != (self.num_offsets, 2):
            raise ValueError(
                f'LSTSAlign: offset_init has shape {tuple(offsets.shape)}; '
                f'expected [num_offsets, 2] = [{self.num_offsets}, 2]')
        return offsets.clone()

    def switch_to_deploy(self) -> None:
        """Compute the alignment with :func:`mmtin.ops.lsts_align_matmul`
        (same result and gradients, no ``[B, C, N, H, W]`` tensor). Call it
        through :func:`mmtin.models.utils.switch_to_deploy`."""
        self.deploy = True

    def forward(self,
                cur: Tensor,
                ref: Tensor,
                ref_feat: Optional[Tensor] = None) -> Tensor:
        """Align ``ref_feat`` (default: ``ref``) to the current frame.

        Args:
            cur (Tensor): ``[B, in_channels, H, W]`` current features (the
                input of the current embedding).
            ref (Tensor): ``[B, in_channels, H, W]`` reference features
                (the input of the reference embedding).
            ref_feat (Tensor, optional): ``[B, C, H, W]`` reference
                features to align; None aligns ``ref``. Default: None.

        Returns:
            Tensor: ``[B, C, H, W]`` aligned features.
        """
        for name, x in (('cur', cur), ('ref', ref)):
            if x.dim() != 4 or x.shape[1] != self.in_channels:
                raise ValueError(
                    f'LSTSAlign: input {name} has shape {tuple(x.shape)}; '
                    f'expected [B, {self.in_channels}, H, W] (in_channels)')
        ref_feat = ref if ref_feat is None else ref_feat
        align = lsts_align_matmul if self.deploy else lsts_align
        return align(ref_feat, self.embed_cur(cur), self.embed_ref(ref),
                     self.offsets)
