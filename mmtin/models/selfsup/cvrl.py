# Copyright (c) OpenMMLab. All rights reserved.
"""CVRL: contrastive video representation learning (Qian et al., CVPR
2021), the self-supervised setting of the 3D ResNet-RS paper."""
from typing import Dict, List, Optional

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import Tensor

from mmtin.models.utils.validators import check_int
from mmtin.ops import contrastive_logits

OWNER = 'CVRL'


@MODELS.register_module()
class CVRL(BaseModel):
    """Contrastive pre-training of a 3D backbone on two clips per video.

    One sample is two clips of one video at a sampled temporal distance,
    each with its own temporally consistent augmentation
    (:class:`~mmtin.datasets.transforms.SampleClipPair` and
    :class:`~mmtin.datasets.transforms.ClipwiseAugment`), laid out as two
    views: inputs ``[N, 2, C, T, H, W]``. The forward reads as the paper:

    1. ``h = pool(backbone(clip))``: global average over ``T, H, W``;
    2. ``z = normalize(neck(h))``: the projection head (mmpretrain's
       ``NonLinearNeck``, an MLP with BN), L2-normalised;
    3. InfoNCE with temperature: each clip's positive is the other clip of
       its video, its negatives the other ``2N - 2`` clips of the batch and
       the ``queue`` (:func:`mmtin.ops.contrastive_logits`), and the loss
       is mmpretrain's ``ContrastiveHead`` (cross-entropy of
       ``[pos, neg] / temperature`` against the positive).

    With ``queue_len > 0`` a memory queue of the last ``queue_len`` clip
    embeddings (both clips of each video, detached, first-in first-out)
    adds negatives from earlier batches; it fills up during the first
    ``queue_len / (2N)`` iterations and only filled rows are used. The
    encoder is shared (no momentum encoder), so queued embeddings come
    from slightly older weights. Negatives come from this process's batch
    and queue only (no gather across GPUs).

    Args:
        backbone (dict): A 3D backbone (``ResNet3dRS``, ``ResNet3d``, ...)
            returning ``[N, C, T, H, W]`` features.
        neck (dict): The projection head, e.g.
            ``dict(type='mmpretrain.NonLinearNeck', in_channels=2048,
            hid_channels=2048, out_channels=128, num_layers=3,
            with_avg_pool=False, norm_cfg=dict(type='BN1d'))``.
        head (dict): The loss, e.g. ``dict(type='mmpretrain.ContrastiveHead',
            loss=dict(type='mmpretrain.CrossEntropyLoss'),
            temperature=0.1)``.
        queue_len (int): Rows of the memory queue; 0 uses batch negatives
            only. Default: 0.
        data_preprocessor (dict, optional): Default: ``ActionDataPreprocessor``
            with ``format_shape='NCTHW'``.
        init_cfg (dict, optional): Default: None.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 queue_len: int = 0,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='mmaction.ActionDataPreprocessor', format_shape='NCTHW')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        check_int(queue_len, 'queue_len', OWNER, minimum=0)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck)
        self.head = MODELS.build(head)
        self.queue_len = queue_len
        out_channels = neck.get('out_channels')
        if queue_len:
            check_int(out_channels, 'neck.out_channels', OWNER)
        self.register_buffer('queue',
                             torch.zeros(queue_len, out_channels or 0))
        self.register_buffer('queue_ptr', torch.zeros((), dtype=torch.long))
        self.register_buffer('queue_filled',
                             torch.zeros((), dtype=torch.long))

    def embed(self, clips: Tensor) -> Tensor:
        """L2-normalised projections ``[M, D]`` of clips ``[M, C, T, H,
        W]``."""
        feats = self.backbone(clips)
        if isinstance(feats, (list, tuple)):
            feats = feats[-1]
        if feats.dim() != 5:
            raise ValueError(f'{OWNER}: the backbone must return [N, C, T, '
                             f'H, W] features, got {tuple(feats.shape)}')
        pooled = feats.mean(dim=(2, 3, 4))
        return F.normalize(self.neck([pooled])[0], dim=1)

    def clip_pairs(self, inputs: Tensor):
        """``(z1, z2)``: the embeddings of the two clips of each video."""
        if inputs.dim() != 6 or inputs.shape[1] != 2:
            raise ValueError(f'{OWNER}: inputs must be [N, 2, C, T, H, W] '
                             '(two clips per video: SampleClipPair), got '
                             f'{tuple(inputs.shape)}')
        n = inputs.shape[0]
        z = self.embed(inputs.flatten(0, 1)).view(n, 2, -1)
        return z[:, 0], z[:, 1]

    def queued(self) -> Tensor:
        """The filled rows of the queue, in ring (row) order."""
        return self.queue[:int(self.queue_filled)]

    @torch.no_grad()
    def enqueue(self, z: Tensor) -> None:
        """Write ``z`` ``[M, D]`` into the ring at ``queue_ptr`` (row ``j``
        of ``z`` goes to row ``(ptr + j) mod queue_len``), oldest rows
        overwritten first."""
        if not self.queue_len:
            return
        m = z.shape[0]
        rows = (self.queue_ptr + torch.arange(m, device=z.device)) % \
            self.queue_len
        if m > self.queue_len:  # only the last queue_len rows survive
            rows, z = rows[-self.queue_len:], z[-self.queue_len:]
        self.queue[rows] = z.detach().to(self.queue.dtype)
        self.queue_ptr.fill_(int((self.queue_ptr + m) % self.queue_len))
        self.queue_filled.fill_(min(int(self.queue_filled) + m,
                                    self.queue_len))

    def loss(self, inputs: Tensor) -> Dict[str, Tensor]:
        """InfoNCE of the clip pairs; then the batch enters the queue."""
        z1, z2 = self.clip_pairs(inputs)
        pos, neg = contrastive_logits(z1, z2, self.queued().clone())
        losses = dict(loss_infonce=self.head.loss(pos, neg))
        self.enqueue(torch.cat([z1, z2]))
        return losses

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List] = None,
                mode: str = 'tensor'):
        """``'loss'``: ``dict(loss_infonce=...)``; ``'tensor'``: the pooled
        backbone features ``[N, 2, C]`` of the two clips."""
        if mode == 'loss':
            return self.loss(inputs)
        if mode == 'tensor':
            if inputs.dim() != 6:
                raise ValueError(f'{OWNER}: inputs must be [N, V, C, T, H, '
                                 f'W], got {tuple(inputs.shape)}')
            feats = self.backbone(inputs.flatten(0, 1))
            return feats.mean(dim=(2, 3, 4)).view(*inputs.shape[:2], -1)
        raise ValueError(f'{OWNER}: mode {mode!r} is not supported (a '
                         'pre-training model has loss and tensor modes; '
                         'evaluate with the linear-evaluation config)')
