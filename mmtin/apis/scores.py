# Copyright (c) OpenMMLab. All rights reserved.
"""A whole recognizer as one module: normalised clip in, class scores out."""
import torch
from torch import Tensor, nn


class RecognizerScores(nn.Module):
    """Backbone, neck and head of an MMAction2 recognizer as one forward.

    The forward is the recognizer's test path without the data samples:
    ``extract_feat(inputs, test_mode=True)``, the head, and the head's
    ``average_clip`` over the views of each clip, so one output row
    equals the ``pred_score`` that ``model.test_step`` gives for that clip
    (softmax for ``average_clips='prob'``, raw scores for ``'score'``).
    This is the module that the ONNX export traces and the benchmark times.

    Inputs are normalised (the config's ``data_preprocessor`` applied) and
    laid out as the recognizer takes them: ``[N, S, C, H, W]`` for 2D
    recognizers (``S`` = segments x frames per segment) and ``[N, V, C, T,
    H, W]`` for 3D ones (``V`` views, usually 1).

    Args:
        recognizer (nn.Module): A built ``Recognizer2D`` / ``Recognizer3D``
            (or subclass) with a ``cls_head``.
    """

    def __init__(self, recognizer: nn.Module) -> None:
        super().__init__()
        if not hasattr(recognizer, 'extract_feat') or getattr(
                recognizer, 'cls_head', None) is None:
            raise TypeError(f'RecognizerScores needs a recognizer with '
                            f'extract_feat and a cls_head, got '
                            f'{type(recognizer).__name__}')
        self.recognizer = recognizer

    def forward(self, inputs: Tensor) -> Tensor:
        """Class scores ``[N, num_classes]`` of ``N`` clips."""
        batch = inputs.shape[0]
        # as BaseRecognizer.predict: test-mode features, then the head
        feats, kwargs = self.recognizer.extract_feat(inputs, test_mode=True)
        head = self.recognizer.cls_head
        scores = head(feats, **kwargs)
        views = scores.shape[0] // batch
        if getattr(head, 'average_clips', None) is None:
            return scores.view(batch, views, -1).mean(dim=1)
        return head.average_clip(scores, num_segs=views)


def scores_of(recognizer: nn.Module, inputs: Tensor) -> Tensor:
    """No-grad :class:`RecognizerScores` of ``inputs`` (eval mode).

    Args:
        recognizer (nn.Module): A built recognizer.
        inputs (Tensor): See :class:`RecognizerScores`.

    Returns:
        Tensor: Class scores ``[N, num_classes]``.
    """
    with torch.no_grad():
        return RecognizerScores(recognizer).eval()(inputs)
