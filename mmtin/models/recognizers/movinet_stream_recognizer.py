# Copyright (c) OpenMMLab. All rights reserved.
"""A 3D recognizer that can run a video in chunks with a carried state."""
from typing import Dict, Optional, Sequence, Tuple

import torch
from mmaction.models.recognizers import Recognizer3D
from mmaction.registry import MODELS
from mmaction.utils import OptSampleList
from torch import Tensor

from mmtin.ops.stream_ops import (add_states, running_mean,
                                  sub_states)

StateDict = Dict[str, Tensor]


@MODELS.register_module()
class MoViNetStreamRecognizer(Recognizer3D):
    """:class:`Recognizer3D` with chunked (streaming) inference.

    The backbone must be causal and support ``backbone(x, states) ->
    (feat, states)`` (e.g. :class:`MoViNet` with ``causal=True``); the head
    must accept pooled ``[N, C]`` features (e.g. :class:`MoViNetHead`).

    * :meth:`stream_step` runs one chunk ``[N, C, t, H, W]`` and returns the
      running pooled feature ``[N, C']`` (the mean over every frame so far)
      and the new states; ``self.cls_head(feat)`` gives the running scores.
    * :meth:`init_states` gives the states for the first chunk.
    * In test mode with ``test_cfg=dict(chunk_size=k)`` every test view is
      fed in chunks of ``k`` frames and classified from the final running
      mean, which equals whole-clip inference. Training always uses whole
      clips.

    Args:
        backbone (dict): Backbone config.
        cls_head (dict, optional): Head config. Default: None.
        neck (dict, optional): Not supported with chunked inference.
            Default: None.
        train_cfg (dict, optional): Training config. Default: None.
        test_cfg (dict, optional): ``chunk_size`` (int or None) plus the
            keys of :class:`Recognizer3D`. Default: None.
        data_preprocessor (dict, optional): Data preprocessor config.
            Default: None.
        init_cfg (dict, optional): Initialization config. Default: None.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        chunk_size = (self.test_cfg or {}).get('chunk_size')
        if chunk_size is not None and (not isinstance(chunk_size, int)
                                       or chunk_size < 1):
            raise ValueError(f'MoViNetStreamRecognizer: test_cfg.chunk_size '
                             f'must be a positive int or None, got '
                             f'{chunk_size!r}')
        if not hasattr(self.backbone, 'init_states'):
            raise TypeError(f'MoViNetStreamRecognizer: backbone '
                            f'{type(self.backbone).__name__} has no '
                            f'streaming API (init_states / forward(x, '
                            f'states))')

    def init_states(self,
                    input_shape: Optional[Sequence[int]] = None,
                    dtype: Optional[torch.dtype] = None,
                    device: Optional[torch.device] = None) -> StateDict:
        """States for the first chunk; see ``MoViNet.init_states``.

        Args:
            input_shape (Sequence[int], optional): ``(N, C, T, H, W)``; None
                gives ``{}`` (zeros, created lazily). Default: None.
            dtype (torch.dtype, optional): Float dtype. Default: None.
            device (torch.device, optional): Device. Default: None.

        Returns:
            dict: Flat ``{name: Tensor}``.
        """
        states = add_states({}, 'backbone.', self.backbone.init_states(
            input_shape, dtype=dtype, device=device))
        if input_shape is not None:
            param = next(self.parameters())
            channels = getattr(self.backbone, 'out_channels', None)
            if channels is None:
                channels = self.cls_head.in_channels
            states['head.pool_sum'] = torch.zeros(
                input_shape[0], channels, dtype=dtype or param.dtype,
                device=device or param.device)
            states['head.pool_count'] = torch.zeros(
                1, dtype=torch.long, device=device or param.device)
        return states

    def stream_step(self, inputs: Tensor,
                    states: Optional[StateDict] = None
                    ) -> Tuple[Tensor, StateDict]:
        """Run one chunk of a video.

        Args:
            inputs (Tensor): A normalised chunk ``[N, C, t, H, W]``.
            states (dict, optional): States from the previous call; None or
                ``{}`` for the first chunk.

        Returns:
            tuple[Tensor, dict]: The running pooled feature ``[N, C']`` and
            the new states.
        """
        if inputs.dim() != 5:
            raise ValueError(f'stream_step expects a [N, C, t, H, W] chunk, '
                             f'got shape {tuple(inputs.shape)}')
        states = {} if states is None else states
        feat, backbone_states = self.backbone(
            inputs, sub_states(states, 'backbone.'))
        pooled, total, count = running_mean(
            feat.mean(dim=(3, 4)), states.get('head.pool_sum'),
            states.get('head.pool_count'))
        new_states = add_states({}, 'backbone.', backbone_states)
        new_states['head.pool_sum'] = total
        new_states['head.pool_count'] = count
        return pooled, new_states

    def stream_clip(self, inputs: Tensor, chunk_size: int) -> Tensor:
        """Feed ``[N, C, T, H, W]`` in chunks of ``chunk_size`` frames and
        return the final pooled feature ``[N, C']``."""
        states = {}
        pooled = None
        for start in range(0, inputs.shape[2], chunk_size):
            pooled, states = self.stream_step(
                inputs[:, :, start:start + chunk_size], states)
        return pooled

    def extract_feat(self,
                     inputs: Tensor,
                     stage: str = 'neck',
                     data_samples: OptSampleList = None,
                     test_mode: bool = False) -> tuple:
        """As :meth:`Recognizer3D.extract_feat`; in test mode with a
        ``chunk_size`` the features are the streamed pooled features."""
        chunk_size = (self.test_cfg or {}).get('chunk_size')
        if not test_mode or chunk_size is None:
            return super().extract_feat(inputs, stage, data_samples,
                                        test_mode)
        if self.with_neck:
            raise ValueError('MoViNetStreamRecognizer: chunked inference '
                             'does not support a neck')
        inputs = inputs.view((-1, ) + inputs.shape[2:])
        return self.stream_clip(inputs, chunk_size), dict(fcn_test=False)
