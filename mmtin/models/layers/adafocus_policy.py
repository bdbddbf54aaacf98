# Copyright (c) OpenMMLab. All rights reserved.
"""The AdaFocus patch-selection policy (written from the papers).

AdaFocus (Wang et al., ICCV 2021) and AdaFocusV2 (CVPR 2022) pick one
``P x P`` patch per frame from the glancer's feature map of that frame. The
state encoder is a 1x1 convolution that narrows the glance feature map,
then a fully connected layer on the flattened map, then a GRU over the
frames (so the choice at frame ``t`` depends on frames ``<= t``).

* ``action_type='continuous'`` (AdaFocusV2): a linear layer and a sigmoid
  regress the patch centre ``(x, y)`` in ``[0, 1]^2``; the crop is
  differentiable, so the classification loss trains the policy.
* ``action_type='discrete'`` (AdaFocus V1): an actor (softmax over
  ``action_dim`` patch corners on a ``sqrt(action_dim)``-square grid) and a
  critic (state value), trained with PPO (``ppo_loss``, a
  :class:`PPOClipLoss` built from ``ppo_cfg``); reward = the
  true-class confidence with the chosen patch minus that with a random
  patch (computed by the recognizer).
"""
import math
from typing import Dict, Optional, Sequence

import torch
from mmcv.cnn import ConvModule, build_activation_layer
from mmengine.model import BaseModule
from torch import nn

from mmaction.registry import MODELS

_PPO_DEFAULTS = dict(
    gamma=0.7, clip=0.2, epochs=1, value_weight=0.5, entropy_weight=0.01)


@MODELS.register_module()
class AdaFocusPolicy(BaseModule):
    """Recurrent patch-selection policy of AdaFocus / AdaFocusV2.

    Args:
        in_channels (int): Channels of the glance feature map.
        feat_size (Sequence[int]): ``(h, w)`` of the glance feature map
            (the flattened map feeds a fully connected layer).
            Default: (7, 7).
        reduce_channels (int): Channels after the 1x1 convolution.
            Default: 32.
        hidden_channels (int): Width of the fully connected layer and of
            the GRU. Default: 1024.
        action_type (str): ``'continuous'`` (V2 centre regressor) or
            ``'discrete'`` (V1 actor-critic). Default: ``'continuous'``.
        action_dim (int): Number of discrete actions, a square number
            (grid of patch corners). Default: 49.
        conv_cfg (dict, optional): Config of the 1x1 convolution.
            Default: None (``Conv2d``).
        norm_cfg (dict, optional): Norm after the 1x1 convolution.
            Default: None.
        act_cfg (dict): Activation of the state encoder.
            Default: ``dict(type='ReLU')``.
        actor_type (str): ``'recurrent'`` (published: 1x1 conv, FC, GRU)
            or ``'conv'`` (per-cell scores, see the module docstring; the
            grid is the glance map, so a discrete ``action_dim`` must be
            ``h * w`` with ``h == w``). Default: ``'recurrent'``.
        ppo_cfg (dict, optional): PPO hyper-parameters, merged into the
            published ones: ``gamma=0.7, clip=0.2, epochs=1,
            value_weight=0.5, entropy_weight=0.01``; ``epochs`` is the
            number of PPO updates per rollout, the rest configure the
            ``PPOClipLoss`` this policy holds as ``ppo_loss`` (discrete
            policies only). Optimiser (published: Adam, lr 3e-4): the
            config's ``optim_wrapper``. Default: None.
        init_cfg (dict, optional): Initialization config. Default: None.
    """

    def __init__(self,
                 in_channels: int,
                 feat_size: Sequence[int] = (7, 7),
                 reduce_channels: int = 32,
                 hidden_channels: int = 1024,
                 action_type: str = 'continuous',
                 action_dim: int = 49,
                 conv_cfg: Optional[Dict] = None,
                 norm_cfg: Optional[Dict] = None,
                 act_cfg: Dict = dict(type='ReLU'),
                 actor_type: str = 'recurrent',
                 ppo_cfg: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if action_type not in ('continuous', 'discrete'):
            raise ValueError('action_type must be "continuous" or '
                             f'"discrete", got {action_type!r}')
        grid = math.isqrt(action_dim) if action_dim > 0 else 0
        if action_type == 'discrete' and (grid < 2 or grid * grid !=
                                          action_dim):
            raise ValueError('action_dim must be a square number >= 4 '
                             f'(a grid of patch corners), got {action_dim}')
        if len(tuple(feat_size)) != 2:
            raise ValueError(f'feat_size must be (h, w), got {feat_size}')
        if actor_type not in ('recurrent', 'conv'):
            raise ValueError('actor_type must be "recurrent" or "conv", got '
                             f'{actor_type!r}')
        if actor_type == 'conv':
            h, w = feat_size
            if h != w or (action_type == 'discrete'
                          and action_dim != h * w):
                raise ValueError(
                    'actor_type="conv" scores the cells of a square glance '
                    f'map: needs feat_size (h, h) and action_dim = h * h, '
                    f'got feat_size={tuple(feat_size)}, '
                    f'action_dim={action_dim}')
            grid = h
        unknown = set(ppo_cfg or {}) - set(_PPO_DEFAULTS)
        if unknown:
            raise ValueError(f'ppo_cfg has unknown keys {sorted(unknown)}; '
                             f'known: {sorted(_PPO_DEFAULTS)}')
        self.in_channels = in_channels
        self.feat_size = tuple(feat_size)
        self.action_type = action_type
        self.action_dim = action_dim
        self.grid = grid
        self.actor_type = actor_type
        self.ppo_cfg = dict(_PPO_DEFAULTS, **(ppo_cfg or {}))
        self.ppo_loss = None
        if action_type == 'discrete':
            loss_cfg = {
                k: v
                for k, v in self.ppo_cfg.items() if k != 'epochs'
            }
            self.ppo_loss = MODELS.build(
                dict(type='PPOClipLoss', **loss_cfg))
        if actor_type == 'conv':
            self.scorer = nn.Sequential(
                # replicate padding: a border cell sees a neighbourhood
                # like an inner one (zeros would mark the border, and
                # the actor would learn to avoid it)
                ConvModule(in_channels, reduce_channels, 3, padding=1,
                           conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                           act_cfg=act_cfg, padding_mode='replicate'),
                ConvModule(reduce_channels, 1, 1, conv_cfg=conv_cfg,
                           act_cfg=None))
            if action_type == 'discrete':
                self.critic = nn.Linear(in_channels, 1)
            return
        self.reduce = ConvModule(
            in_channels, reduce_channels, 1, conv_cfg=conv_cfg,
            norm_cfg=norm_cfg, act_cfg=act_cfg)
        flat = reduce_channels * self.feat_size[0] * self.feat_size[1]
        self.fc = nn.Linear(flat, hidden_channels)
        self.fc_act = build_activation_layer(act_cfg)
        self.gru = nn.GRU(hidden_channels, hidden_channels, batch_first=True)
        if action_type == 'continuous':
            self.regressor = nn.Linear(hidden_channels, 2)
        else:
            self.actor = nn.Linear(hidden_channels, action_dim)
            self.critic = nn.Linear(hidden_channels, 1)

    def forward(self, feats: torch.Tensor,
                hidden: Optional[torch.Tensor] = None
                ) -> Dict[str, torch.Tensor]:
        """Encode every frame's glance map and run the GRU over frames.

        Args:
            feats (torch.Tensor): ``[N, T, C, h, w]`` glance feature maps.
            hidden (torch.Tensor, optional): GRU state ``[1, N, hidden]``
                after the frames before these (frame-by-frame runs, e.g.
                early exit). Default: None (the clip starts here).

        Returns:
            dict: ``centers`` ``[N, T, 2]`` in ``[0, 1]`` (continuous), or
            ``logits`` ``[N, T, action_dim]`` and ``values`` ``[N, T]``
            (discrete); ``hidden``, the GRU state after the last frame
            (recurrent actor; None for ``actor_type='conv'``).
        """
        expected = (self.in_channels, ) + self.feat_size
        if feats.dim() != 5 or tuple(feats.shape[2:]) != expected:
            raise ValueError(
                'AdaFocusPolicy expects glance maps [N, T, C, h, w] with '
                f'(C, h, w) = (in_channels, *feat_size) = {expected}, got '
                f'{tuple(feats.shape)}; set policy.in_channels/feat_size')
        n, t = feats.shape[:2]
        if self.actor_type == 'conv':
            return self._conv_forward(feats)
        x = self.reduce(feats.flatten(0, 1)).flatten(1)
        x = self.fc_act(self.fc(x)).view(n, t, -1)
        h, hidden = self.gru(x, hidden)
        if self.action_type == 'continuous':
            return dict(centers=torch.sigmoid(self.regressor(h)),
                        hidden=hidden)
        return dict(logits=self.actor(h), values=self.critic(h).squeeze(-1),
                    hidden=hidden)

    def _conv_forward(self, feats):
        n, t = feats.shape[:2]
        flat = feats.flatten(0, 1)
        scores = self.scorer(flat).flatten(1).view(n, t, -1)  # [N, T, h*w]
        if self.action_type == 'discrete':
            values = self.critic(flat.mean((2, 3))).view(n, t)
            return dict(logits=scores, values=values, hidden=None)
        # soft-argmax: expected cell (x, y) of the score map, in [0, 1]
        g = self.grid
        cells = torch.arange(g * g, device=feats.device)
        pos = self.action_positions(cells).to(scores.dtype)  # [h*w, 2]
        return dict(centers=scores.softmax(-1) @ pos, hidden=None)

    def action_positions(self, actions: torch.Tensor) -> torch.Tensor:
        """Map discrete actions to patch positions ``(x, y)`` in ``[0, 1]``.

        Action ``a`` is row ``a // g``, column ``a % g`` of a ``g x g`` grid
        (``g = sqrt(action_dim)``); the patch corner along an axis is
        ``floor(u * (size - P))`` with ``u = index / (g - 1)``.

        Args:
            actions (torch.Tensor): Integer actions, any shape.

        Returns:
            torch.Tensor: Positions, shape ``actions.shape + (2, )``.
        """
        g = self.grid
        col = (actions % g).float() / (g - 1)
        row = torch.div(actions, g, rounding_mode='floor').float() / (g - 1)
        return torch.stack([col, row], dim=-1)
