# Copyright (c) OpenMMLab. All rights reserved.
"""AdaMML's policy network: cheap per-modality features, MLP, LSTM."""
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmcv.cnn import build_activation_layer
from mmengine.model import BaseModule
from torch import Tensor, nn


@MODELS.register_module()
class AdaMMLPolicy(BaseModule):
    """Per-segment keep/skip logits for every modality (AdaMML, sec. 3).

    Every segment's input of modality m goes through a cheap backbone
    (default MobileNetV2; optionally at a lower resolution,
    ``input_scale[m]``) and global average pooling. The features of all
    modalities are concatenated, passed through an MLP, and an
    ``LSTMCell`` steps over the S segments; its input is the MLP output
    plus the previous segment's ``2M`` decision logits. One ``FC(hidden,
    2)`` per modality gives the logits (index 1 = keep). The recognizer
    turns them into hard decisions (Gumbel-Softmax with temperature
    :attr:`tau`, which ``GumbelTemperatureHook`` anneals).

    Args:
        modalities (Sequence[str]): Modality names, in order.
        backbones (dict[str, dict]): Backbone config per modality.
        feat_channels (dict[str, int], optional): Output channels of each
            backbone. Default: 1280 for every modality (MobileNetV2).
        input_scale (dict[str, float], optional): Resize factor of each
            modality's input before its backbone. Default: 1.0.
        repeat_channels (dict[str, int], optional): Repeat the input
            channels this many times (a 1-channel spectrogram into a
            3-channel backbone). Default: None.
        fold_channels (dict[str, int], optional): Average the input's
            channels in this many groups, ``(N, k * C, H, W) -> (N, C, H,
            W)``: e.g. ``4`` gives the mean of four 3-channel RGB
            differences, so a stacked motion input fits a 3-channel cheap
            backbone. Default: None.
        mlp_channels (Sequence[int]): MLP widths. Default: (2048, 2048).
        lstm_channels (int): LSTM hidden size. Default: 256.
        act_cfg (dict): MLP activation. Default: dict(type='ReLU').
        tau (float): Initial Gumbel-Softmax temperature. Default: 5.0.
        num_classes (int, optional): Adds one linear probe per modality
            on the pooled backbone features (:meth:`probe_logits`), so
            that the cheap backbones can be pre-trained on the task in a
            warm-up stage (see ``AdaMMLRecognizer.policy_pretrain_loss_
            weight``) where no pre-trained weights are used. The probes
            play no part in the decisions. Default: None.
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self,
                 modalities: Sequence[str],
                 backbones: Dict[str, dict],
                 feat_channels: Optional[Dict[str, int]] = None,
                 input_scale: Optional[Dict[str, float]] = None,
                 repeat_channels: Optional[Dict[str, int]] = None,
                 fold_channels: Optional[Dict[str, int]] = None,
                 mlp_channels: Sequence[int] = (2048, 2048),
                 lstm_channels: int = 256,
                 act_cfg: dict = dict(type='ReLU'),
                 tau: float = 5.0,
                 num_classes: Optional[int] = None,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.modalities = tuple(modalities)
        if set(backbones) != set(self.modalities):
            raise ValueError(
                f'AdaMMLPolicy: backbones has keys {sorted(backbones)}, '
                f'expected one per modality {list(self.modalities)}')
        feat_channels = feat_channels or {}
        self.input_scale = dict(input_scale or {})
        self.repeat_channels = dict(repeat_channels or {})
        self.fold_channels = dict(fold_channels or {})
        for name, arg in (('input_scale', self.input_scale),
                          ('repeat_channels', self.repeat_channels),
                          ('fold_channels', self.fold_channels)):
            unknown = sorted(set(arg) - set(self.modalities))
            if unknown:
                raise ValueError(f'AdaMMLPolicy: {name} has keys {unknown} '
                                 f'that are not modalities '
                                 f'{list(self.modalities)}')
        self.backbones = nn.ModuleDict(
            {m: MODELS.build(backbones[m])
             for m in self.modalities})
        in_ch = sum(feat_channels.get(m, 1280) for m in self.modalities)
        self.probes = None
        if num_classes is not None:
            self.probes = nn.ModuleDict({
                m: nn.Linear(feat_channels.get(m, 1280), num_classes)
                for m in self.modalities
            })
        layers = []
        for ch in mlp_channels:
            layers += [nn.Linear(in_ch, ch), build_activation_layer(act_cfg)]
            in_ch = ch
        self.mlp = nn.Sequential(*layers)
        num = len(self.modalities)
        self.lstm = nn.LSTMCell(in_ch + 2 * num, lstm_channels)
        self.fcs = nn.ModuleList(
            nn.Linear(lstm_channels, 2) for _ in self.modalities)
        self.tau = tau

    def _features(self, modality: str, x: Tensor) -> Tensor:
        scale = self.input_scale.get(modality, 1.0)
        if scale != 1.0:
            x = F.interpolate(
                x, scale_factor=scale, mode='bilinear', align_corners=False)
        if self.repeat_channels.get(modality, 1) > 1:
            x = x.repeat(1, self.repeat_channels[modality], 1, 1)
        groups = self.fold_channels.get(modality, 1)
        if groups > 1:
            if x.shape[1] % groups:
                raise ValueError(
                    f'AdaMMLPolicy: fold_channels[{modality!r}] = {groups} '
                    f'does not divide the input\'s {x.shape[1]} channels')
            x = x.unflatten(1, (groups, -1)).mean(1)
        feat = self.backbones[modality](x)
        if isinstance(feat, (tuple, list)):
            feat = feat[-1]
        return F.adaptive_avg_pool2d(feat, 1).flatten(1)

    def probe_logits(self, inputs: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """Per-segment class logits of each modality's linear probe.

        Args:
            inputs (dict[str, Tensor]): ``(N * S, C, H, W)`` per modality.

        Returns:
            dict[str, Tensor]: ``(N * S, num_classes)`` per modality.
        """
        if self.probes is None:
            raise ValueError('AdaMMLPolicy: probe_logits needs num_classes')
        return {
            m: self.probes[m](self._features(m, inputs[m]))
            for m in self.modalities
        }

    def forward(self, inputs: Dict[str, Tensor],
                num_segments: int) -> Tensor:
        """Decision logits.

        Args:
            inputs (dict[str, Tensor]): ``(N * S, C, H, W)`` per modality,
                segments of a video contiguous.
            num_segments (int): S.

        Returns:
            Tensor: ``(N, S, M, 2)`` logits (index 1 = keep).
        """
        feats = torch.cat(
            [self._features(m, inputs[m]) for m in self.modalities], 1)
        if feats.shape[0] % num_segments:
            raise ValueError(
                f'AdaMMLPolicy: batch {feats.shape[0]} is not divisible by '
                f'num_segments={num_segments}')
        feats = self.mlp(feats)
        feats = feats.view(-1, num_segments, feats.shape[-1])
        num = feats.shape[0]
        h = feats.new_zeros(num, self.lstm.hidden_size)
        c = torch.zeros_like(h)
        prev = feats.new_zeros(num, 2 * len(self.modalities))
        out = []
        for s in range(num_segments):
            h, c = self.lstm(torch.cat([feats[:, s], prev], 1), (h, c))
            logits = torch.stack([fc(h) for fc in self.fcs], 1)
            out.append(logits)
            prev = logits.flatten(1)
        return torch.stack(out, 1)
