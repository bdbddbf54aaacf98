# Copyright (c) OpenMMLab. All rights reserved.
"""The long-term temporal difference module (L-TDM) of TDN.

It is ``mSEModule`` of the official code (MCG-NJU/TDN ``ops/base_module.py``)
and keeps its parameter names (``conv1, bn1, conv2, conv3, bn3,
conv3_smallscale2, bn3_smallscale2, conv3_smallscale4, bn3_smallscale4``), so
official weights copy over one to one.
"""
from typing import Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.utils.dl_utils.parrots_wrapper import _BatchNorm
from torch import Tensor

from mmtin.ops.temporal_difference import (bidirectional_differences,
                                           pointwise_conv)
from ..utils.fold_bn import folded_conv_bn
from ..utils.validators import check_num_segments


@MODELS.register_module()
class LongTermTDM(nn.Module):
    """Bidirectional multi-scale temporal difference attention.

    With ``c = C // reduction``:

    1. ``B = bn1(conv1(x))`` (1x1, C->c, no ReLU); ``Bc = conv2(B)``
       (depthwise 3x3).
    2. Forward/backward differences ``Df[t] = Bc[t+1] - B[t]``,
       ``Db[t] = Bc[t-1] - B[t]`` (zero at the clip ends).
    3. For each ``D`` (weights shared by both directions):
       ``S2 = nearest_up(bn3_smallscale2(conv3_smallscale2(avgpool2(D))))``,
       ``S4 = bn3_smallscale4(conv3_smallscale4(D))`` (full 3x3 convs) and
       ``A = sigmoid(bn3(conv3(D/3 + S2/3 + S4/3))) - 0.5``.
    4. ``out = x + x * (A_f + A_b) / 2``.

    Maps smaller than 2x2 (an mmtin extension; the official 2x2 pool, and
    so the official code, fails there): the pool window of ``S2`` shrinks
    to the map, ``min(2, H) x min(2, W)``; on a 1x1 map ``S2`` then sees
    ``D`` itself. Maps of at least 2x2 are unaffected.

    One plain forward in training and eval: every BN runs once per
    direction (in training on the batch statistics of that direction, the
    running stats updated twice), as in the official code.
    :meth:`switch_to_deploy` folds the BNs into the convs once and swaps in
    the fused inference kernels (both directions in one batch, ``D + S4`` as
    one conv, the 1x1 convs as matrix products, in-place tail); the deployed
    module gives the same result in eval mode and cannot be trained.

    ``legacy_backward_s4=True`` reproduces the first official release (Dec
    2020, fixed in commit ``bcf28d9``, Mar 2021), which fed the forward
    branch's finished ``S4`` through the same conv and BN again as the
    backward ``S4``: ``S4_b = bn3_smallscale4(conv3_smallscale4(S4_f))``.
    The published R50 and K400 R101 checkpoints date from that release and
    may have been trained with it (unconfirmed); try it when a converted
    Dec-2020 checkpoint falls short of its published accuracy.

    Args:
        channels (int): Channels C of the input ``(N*T, C, H, W)``.
        num_segments (int): Segments per clip T. Default: 8.
        reduction (int): Channel reduction r, ``c = C // r``. Default: 16.
        legacy_backward_s4 (bool): The Dec-2020 backward ``S4`` (see
            above). Default: False (the fixed, current official code).
        conv_cfg (dict, optional): Config of the conv layers (2D). Default:
            None (``nn.Conv2d``).
        norm_cfg (dict): Config of the norm layers.
            Default: ``dict(type='BN2d', requires_grad=True)``.
    """

    def __init__(self,
                 channels: int,
                 num_segments: int = 8,
                 reduction: int = 16,
                 legacy_backward_s4: bool = False,
                 conv_cfg: Optional[Dict] = None,
                 norm_cfg: Dict = dict(type='BN2d', requires_grad=True)):
        super().__init__()
        check_num_segments(num_segments, 'LongTermTDM', minimum=2)
        if reduction < 1 or channels % reduction != 0:
            raise ValueError(
                f'LongTermTDM: reduction={reduction} must divide '
                f'channels={channels}')
        mid = channels // reduction
        self.channels = channels
        self.num_segments = num_segments
        self.reduction = reduction
        self.legacy_backward_s4 = legacy_backward_s4
        self.deploy = False

        def conv(c_in, c_out, k, groups=1):
            return build_conv_layer(conv_cfg, c_in, c_out, k,
                                    padding=k // 2, groups=groups, bias=False)

        def norm(c):
            return build_norm_layer(norm_cfg, c)[1]

        self.conv1 = conv(channels, mid, 1)
        self.bn1 = norm(mid)
        self.conv2 = conv(mid, mid, 3, groups=mid)
        self.pool2 = nn.AvgPool2d(kernel_size=2, stride=2)
        self.conv3_smallscale2 = conv(mid, mid, 3)
        self.bn3_smallscale2 = norm(mid)
        self.conv3_smallscale4 = conv(mid, mid, 3)
        self.bn3_smallscale4 = norm(mid)
        self.conv3 = conv(mid, channels, 1)
        self.bn3 = norm(channels)

    def _pool(self, diff: Tensor) -> Tensor:
        """The 2x2 average pool of ``S2``; on maps smaller than 2x2 the
        window shrinks to the map."""
        h, w = diff.shape[2:]
        if h >= 2 and w >= 2:
            return self.pool2(diff)
        return F.avg_pool2d(diff, (min(h, 2), min(w, 2)))

    def _attention_logits(self, fwd: Tensor, bwd: Tensor) -> List[Tensor]:
        """``bn3(conv3(D/3 + S2/3 + S4/3))`` of each direction, every BN
        applied to one direction at a time (in training: on its batch
        statistics), in the official order (``S2`` both, ``S4`` both,
        ``conv3`` both)."""
        small2 = [
            F.interpolate(self.bn3_smallscale2(self.conv3_smallscale2(
                self._pool(d))), size=d.shape[2:], mode='nearest')
            for d in (fwd, bwd)
        ]
        small4_f = self.bn3_smallscale4(self.conv3_smallscale4(fwd))
        small4_b = self.bn3_smallscale4(self.conv3_smallscale4(
            small4_f if self.legacy_backward_s4 else bwd))
        return [
            self.bn3(self.conv3(d / 3.0 + s2 / 3.0 + s4 / 3.0))
            for d, s2, s4 in zip((fwd, bwd), small2, (small4_f, small4_b))
        ]

    def forward(self, x: Tensor) -> Tensor:
        """``(N*T, C, H, W) -> (N*T, C, H, W)``."""
        if x.dim() != 4 or x.shape[1] != self.channels:
            raise ValueError(
                f'LongTermTDM: expected input (N*T, {self.channels}, H, W), '
                f'got shape {tuple(x.shape)}')
        if x.shape[2] < 1 or x.shape[3] < 1:
            raise ValueError(
                f'LongTermTDM: empty spatial size, got shape '
                f'{tuple(x.shape)}; use a larger input image')
        if self.deploy:
            return self._forward_deploy(x)
        feat = self.bn1(self.conv1(x))
        logit_f, logit_b = self._attention_logits(
            *bidirectional_differences(feat, self.conv2(feat),
                                       self.num_segments).chunk(2))
        # x + x * ((sig_f - 0.5) + (sig_b - 0.5)) / 2
        sig_sum = torch.sigmoid(logit_f) + torch.sigmoid(logit_b) - 1.0
        return torch.addcmul(x, x, sig_sum, value=0.5)

    # ---------------------------------------------------------------- deploy
    def switch_to_deploy(self) -> None:
        """Fold every BN into its conv once and use the fused inference
        forward (:meth:`_forward_deploy`); call after loading the weights.

        ``S4`` gets the identity added to the centre tap of its kernel (so
        ``D + S4`` is one conv, not in legacy mode), ``conv3`` the 1/3 of
        the mean. The fused tensors are non-persistent buffers: the state
        dict keeps the original keys.
        """
        if self.deploy:
            return
        for name in ('bn1', 'bn3_smallscale2', 'bn3_smallscale4', 'bn3'):
            bn = getattr(self, name)
            if not isinstance(bn, _BatchNorm) or bn.running_var is None:
                raise TypeError(
                    f'LongTermTDM.switch_to_deploy: {name} must be a batch '
                    'norm with running statistics to fold, got '
                    f'{type(bn).__name__}')
        for name in ('conv1', 'conv2', 'conv3_smallscale2',
                     'conv3_smallscale4', 'conv3'):
            if not isinstance(getattr(self, name), nn.Conv2d):
                raise TypeError(
                    f'LongTermTDM.switch_to_deploy: {name} must be an '
                    f'nn.Conv2d, got {type(getattr(self, name)).__name__}')
        with torch.no_grad():
            w1, b1 = folded_conv_bn(self.conv1, self.bn1)
            w2s, b2s = folded_conv_bn(self.conv3_smallscale2,
                                      self.bn3_smallscale2)
            w4, b4 = folded_conv_bn(self.conv3_smallscale4,
                                    self.bn3_smallscale4)
            if not self.legacy_backward_s4:
                w4[:, :, 1, 1].diagonal().add_(1.0)  # D + S4
            w3, b3 = folded_conv_bn(self.conv3, self.bn3)
            fused = dict(w1=w1, b1=b1, w2s=w2s, b2s=b2s, w4=w4, b4=b4,
                         w3=w3 / 3.0, b3=b3)
        for name, t in fused.items():
            self.register_buffer(f'_deploy_{name}', t.detach().clone(),
                                 persistent=False)
        self.deploy = True
        self.eval()

    def train(self, mode: bool = True) -> 'LongTermTDM':
        if mode and self.deploy:
            raise RuntimeError(
                'LongTermTDM: a deployed module (switch_to_deploy) is for '
                'inference only; build the model again to train it')
        return super().train(mode)

    def _differences_no_grad(self, feat: Tensor, feat_conv: Tensor) -> Tensor:
        """:func:`bidirectional_differences` with ``torch.sub(out=)``
        (no autograd): no temporaries."""
        nt, c, h, w = feat.shape
        if nt % self.num_segments != 0:
            raise ValueError(
                f'LongTermTDM: batch {nt} of shape {tuple(feat.shape)} is '
                f'not divisible by num_segments={self.num_segments}')
        b = feat.view(-1, self.num_segments, c, h, w)
        bc = feat_conv.view(-1, self.num_segments, c, h, w)
        out = feat.new_zeros((2, ) + b.shape)
        torch.sub(bc[:, 1:], b[:, :-1], out=out[0, :, :-1])
        torch.sub(bc[:, :-1], b[:, 1:], out=out[1, :, 1:])
        return out.view(2 * nt, c, h, w)

    def _forward_deploy(self, x: Tensor) -> Tensor:
        """The fused inference forward (same result as the plain one in
        eval mode)."""
        p = {k: getattr(self, f'_deploy_{k}')
             for k in ('w1', 'b1', 'w2s', 'b2s', 'w4', 'b4', 'w3', 'b3')}
        feat = pointwise_conv(x, p['w1'], p['b1'])
        if torch.is_grad_enabled():
            diffs = bidirectional_differences(feat, self.conv2(feat),
                                              self.num_segments)
        else:  # the differences written straight into one buffer
            diffs = self._differences_no_grad(feat, self.conv2(feat))
        if self.legacy_backward_s4:  # S4_b from S4_f: no identity fold
            small4_f = F.conv2d(diffs.chunk(2)[0], p['w4'], p['b4'],
                                padding=1)
            small4_b = F.conv2d(small4_f, p['w4'], p['b4'], padding=1)
            mixed = diffs + torch.cat([small4_f, small4_b])
        else:
            mixed = F.conv2d(diffs, p['w4'], p['b4'], padding=1)  # D + S4
        small2 = F.conv2d(self._pool(diffs), p['w2s'], p['b2s'], padding=1)
        (n, c, h, w), (hs, ws) = mixed.shape, small2.shape[2:]
        # in place only without autograd: exporters (traced with autograd
        # on) drop writes through views
        in_place = not torch.is_grad_enabled()
        if (h, w) == (2 * hs, 2 * ws):  # nearest 2x: broadcast add
            blocks = mixed.view(n, c, hs, 2, ws, 2)
            small2 = small2.view(n, c, hs, 1, ws, 1)
            if in_place:
                blocks.add_(small2)
            else:
                mixed = (blocks + small2).view(n, c, h, w)
        else:
            up = F.interpolate(small2, size=(h, w), mode='nearest')
            mixed = mixed.add_(up) if in_place else mixed + up
        logits = pointwise_conv(mixed, p['w3'], p['b3'])
        if torch.is_grad_enabled():
            sig_f, sig_b = torch.sigmoid(logits).chunk(2)
            return torch.addcmul(x, x, sig_f + sig_b - 1.0, value=0.5)
        # no autograd: all in the logits buffer, no new full-size tensor
        sig_f, sig_b = logits.sigmoid_().chunk(2)
        sig_sum = sig_f.add_(sig_b).sub_(1.0)
        return torch.addcmul(x, x, sig_sum, value=0.5, out=sig_sum)
