# Copyright (c) OpenMMLab. All rights reserved.
"""The dense parts of the video detectors as exportable modules, and their
ONNX export checked against onnxruntime.

A deployed ``LSTSVideoDetector`` runs these graphs in the keyframe
schedule (proposal selection, NMS and the RoI head stay in PyTorch: the
RoI head's sparse RoIAlign has no ONNX form):

* ``frame``: one frame -> the per-frame detector's head features and RPN
  outputs (``TwoStageFrameDetector``, or a keyframe's own features);
* ``keyframe``: one frame -> its high-level features ``F`` (the whole
  backbone);
* ``srfu``: ``(F, memory)`` -> the updated memory;
* ``nonkey``: ``(frame, memory)`` -> the frame's features (low level,
  ``low2high``, DFA);
* ``heads``: features -> head features (neck) and RPN outputs.
"""
import io
import warnings
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch
from torch import Tensor, nn

from mmtin.models.utils import resnet_high_level, resnet_low_level
from .onnx_export import DEFAULT_OPSET, ort_session


class FramePart(nn.Module):
    """``[B, 3, H, W]`` -> (head features, RPN objectness, RPN deltas)."""

    def __init__(self, detector: nn.Module) -> None:
        super().__init__()
        self.detector = detector

    def forward(self, frames: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        return self.detector(frames, mode='tensor')


class KeyframePart(nn.Module):
    """``[B, 3, H, W]`` -> high-level features (the whole backbone)."""

    def __init__(self, detector: nn.Module) -> None:
        super().__init__()
        self.detector = detector

    def forward(self, frames: Tensor) -> Tensor:
        d = self.detector
        return resnet_high_level(
            d.backbone, resnet_low_level(d.backbone, frames,
                                         d.num_low_stages), d.num_low_stages)


class SRFUPart(nn.Module):
    """``(F, memory)`` -> the memory after SRFU."""

    def __init__(self, detector: nn.Module) -> None:
        super().__init__()
        self.detector = detector

    def forward(self, feat: Tensor, memory: Tensor) -> Tensor:
        return self.detector.srfu(feat, memory)


class NonKeyPart(nn.Module):
    """``(frame, memory)`` -> a non-key frame's high-level features."""

    def __init__(self, detector: nn.Module) -> None:
        super().__init__()
        self.detector = detector

    def forward(self, frames: Tensor, memory: Tensor) -> Tensor:
        d = self.detector
        cur = None
        if d.low2high is not None:
            cur = d.low2high(resnet_low_level(d.backbone, frames,
                                              d.num_low_stages))
        return d.dfa(cur, memory)


class HeadsPart(nn.Module):
    """Features -> (head features, RPN objectness, RPN deltas)."""

    def __init__(self, detector: nn.Module) -> None:
        super().__init__()
        self.detector = detector

    def forward(self, feats: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        d = self.detector
        feats = feats if d.neck is None else d.neck(feats)
        return (feats, ) + tuple(d.rpn_head(feats))


def detector_parts(detector: nn.Module, frame_shape: Sequence[int]
                   ) -> Dict[str, Tuple[nn.Module, List[Tensor], List[str],
                                        List[str]]]:
    """The exportable parts of ``detector`` with example inputs.

    Args:
        detector (nn.Module): A ``TwoStageFrameDetector`` or
            ``LSTSVideoDetector`` (eval mode).
        frame_shape (Sequence[int]): ``(B, 3, H, W)`` of one frame batch.

    Returns:
        dict: name -> (module, inputs, input names, output names); a
        ``LSTSVideoDetector`` with ``keyframe_interval > 1`` gives
        ``keyframe``, ``srfu``, ``nonkey`` and ``heads``, any other
        detector ``frame``.
    """
    gen = torch.Generator().manual_seed(0)
    frames = torch.randn(tuple(frame_shape), generator=gen)
    if getattr(detector, 'keyframe_interval', 1) == 1:
        return dict(frame=(FramePart(detector).eval(), [frames], ['frames'],
                           ['feats', 'rpn_logits', 'rpn_deltas']))
    key = KeyframePart(detector).eval()
    with torch.no_grad():
        feat = key(frames)
    memory = feat + 0.1 * torch.randn(feat.shape, generator=gen)
    return dict(
        keyframe=(key, [frames], ['frames'], ['feat']),
        srfu=(SRFUPart(detector).eval(), [feat, memory], ['feat', 'memory'],
              ['new_memory']),
        nonkey=(NonKeyPart(detector).eval(), [frames, memory],
                ['frames', 'memory'], ['feat']),
        heads=(HeadsPart(detector).eval(), [feat], ['feat'],
               ['head_feats', 'rpn_logits', 'rpn_deltas']))


def export_part(module: nn.Module, inputs: Sequence[Tensor],
                input_names: Sequence[str], output_names: Sequence[str],
                opset: int = DEFAULT_OPSET) -> bytes:
    """Trace one part into an ONNX graph (TorchScript exporter)."""
    buf = io.BytesIO()
    with warnings.catch_warnings(), torch.enable_grad():
        warnings.simplefilter('ignore')
        torch.onnx.export(module, tuple(inputs), buf, dynamo=False,
                          opset_version=opset,
                          input_names=list(input_names),
                          output_names=list(output_names),
                          do_constant_folding=True)
    return buf.getvalue()


def verify_part(module: nn.Module, model: bytes,
                inputs: Sequence[Tensor],
                input_names: Sequence[str]) -> List[float]:
    """Largest absolute difference of every output between onnxruntime and
    PyTorch."""
    with torch.no_grad():
        ref = module(*inputs)
    ref = ref if isinstance(ref, tuple) else (ref, )
    got = ort_session(model).run(None, {
        n: x.numpy() for n, x in zip(input_names, inputs)})
    return [float(np.abs(g - r.numpy()).max()) for g, r in zip(got, ref)]
