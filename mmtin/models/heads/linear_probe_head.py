# Copyright (c) OpenMMLab. All rights reserved.
"""I3D head with a parameter-free feature norm: a linear probe."""
from typing import Optional

from mmaction.models.heads import I3DHead
from mmaction.registry import MODELS
from mmcv.cnn import build_norm_layer
from torch import Tensor


@MODELS.register_module()
class LinearProbeHead(I3DHead):
    """MMAction2's ``I3DHead`` (global average pool -> dropout -> fc) with a
    normalisation of the pooled features before the fc layer.

    The linear probe of MAE (He et al., CVPR 2022; mmpretrain's
    ``ClsBatchNormNeck``): a ``BatchNorm1d`` without affine parameters
    standardises every feature channel over the batch (running statistics
    at test time), so that the classifier stays linear in the frozen
    features while their scale no longer decides how fast it trains.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Channels of the input feature.
        norm_cfg (dict, optional): Norm layer on the pooled ``[N, C]``
            features (mmcv ``build_norm_layer``); ``None`` gives the plain
            ``I3DHead``. Default: ``dict(type='BN1d', affine=False,
            eps=1e-6)``.
        **kwargs: Other arguments of ``I3DHead`` (``spatial_type``,
            ``dropout_ratio``, ``init_std``, ``loss_cls``,
            ``average_clips``, ...).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 norm_cfg: Optional[dict] = dict(
                     type='BN1d', affine=False, eps=1e-6),
                 **kwargs) -> None:
        super().__init__(num_classes, in_channels, **kwargs)
        self.norm = None if norm_cfg is None else build_norm_layer(
            norm_cfg, in_channels)[1]

    def forward(self, x: Tensor, **kwargs) -> Tensor:
        """Pool ``[N, C, T, H, W]`` features, normalise, classify.

        Args:
            x (Tensor): Backbone features ``[N, C, T, H, W]``.

        Returns:
            Tensor: Class scores ``[N, num_classes]``.
        """
        if self.avg_pool is not None:
            x = self.avg_pool(x)
        x = x.view(x.shape[0], -1)
        if self.norm is not None:
            x = self.norm(x)
        if self.dropout is not None:
            x = self.dropout(x)
        return self.fc_cls(x)
