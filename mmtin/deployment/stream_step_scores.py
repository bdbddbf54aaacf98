# Copyright (c) OpenMMLab. All rights reserved.
"""One streaming step of a MoViNet stream recognizer with explicit state
tensors, the form an exported graph needs."""
from typing import List, Sequence, Tuple

from torch import Tensor, nn


class StreamStepScores(nn.Module):
    """``(chunk, *states) -> (scores, *new_states)`` of a stream recognizer.

    Wraps :meth:`MoViNetStreamRecognizer.stream_step` and its head: the
    scores are the head's running class scores after this chunk (the mean
    feature over every frame so far, then ``cls_head`` and its
    ``average_clip``), which after the last chunk equal the whole-clip
    ``pred_score``. The states are passed as a flat, fixed-order list of
    tensors (``state_names``), so an ONNX runtime feeds the outputs of one
    call back as the inputs of the next; the first call takes the zeros of
    :meth:`initial_states`.

    Args:
        recognizer (nn.Module): A built ``MoViNetStreamRecognizer`` with a
            causal backbone.
        chunk_shape (Sequence[int]): ``(N, C, t, H, W)`` of one chunk; the
            state shapes follow from it.
    """

    def __init__(self, recognizer: nn.Module,
                 chunk_shape: Sequence[int]) -> None:
        super().__init__()
        for name in ('stream_step', 'init_states'):
            if not hasattr(recognizer, name):
                raise TypeError(f'StreamStepScores needs a stream recognizer '
                                f'(MoViNetStreamRecognizer), got '
                                f'{type(recognizer).__name__} without '
                                f'{name}()')
        if len(chunk_shape) != 5:
            raise ValueError(f'StreamStepScores: chunk shape must be (N, C, '
                             f't, H, W), got {tuple(chunk_shape)}')
        self.recognizer = recognizer
        self.chunk_shape = tuple(int(s) for s in chunk_shape)
        self.state_names: List[str] = sorted(
            recognizer.init_states(self.chunk_shape))

    def initial_states(self) -> List[Tensor]:
        """The zero states of the first chunk, in ``state_names`` order."""
        param = next(self.recognizer.parameters())
        states = self.recognizer.init_states(
            self.chunk_shape, dtype=param.dtype, device=param.device)
        return [states[k] for k in self.state_names]

    def forward(self, chunk: Tensor, *states: Tensor) -> Tuple[Tensor, ...]:
        """Scores ``[N, num_classes]`` followed by the new states."""
        if len(states) != len(self.state_names):
            raise ValueError(f'StreamStepScores: expected '
                             f'{len(self.state_names)} state tensors '
                             f'({self.state_names}), got {len(states)}')
        pooled, new = self.recognizer.stream_step(
            chunk, dict(zip(self.state_names, states)))
        head = self.recognizer.cls_head
        scores = head(pooled)
        if getattr(head, 'average_clips', None) is not None:
            scores = head.average_clip(scores, num_segs=1)
        return (scores, ) + tuple(new[k] for k in self.state_names)
