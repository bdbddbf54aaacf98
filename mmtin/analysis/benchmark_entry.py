# Copyright (c) OpenMMLab. All rights reserved.
"""One model under test: its input, counts and the calls the benchmark
times."""
import copy
from typing import Optional, Sequence

import torch
from torch import nn

from mmtin.apis import RecognizerScores, count_flops, count_params
from mmtin.models.utils.flops import count_flops_affine, count_flops_torch


class BenchmarkEntry:
    """A built recognizer with its input batch, optimizer and counters.

    The timed calls are :meth:`infer` (no-grad forward from the normalised
    input to class scores, :class:`mmtin.apis.RecognizerScores`, the
    module the ONNX export traces), :meth:`train_step` (``loss`` forward,
    backward, SGD step), :meth:`stream_step` (one chunk of a stream
    recognizer, states carried) and :meth:`ort_infer` (the same forward as
    :meth:`infer`, exported to ONNX and run by onnxruntime on the CPU).

    Args:
        name (str): Table label.
        model (nn.Module): The recognizer.
        shape (Sequence[int]): Input batch shape.
        device (str | torch.device): Device. Default: 'cpu'.
        published_gflops (float, optional): Shown next to the count.
            Default: None.
        deploy (bool): Time inference (and onnxruntime, stream steps) on a
            copy converted by :func:`mmtin.models.utils.switch_to_deploy`;
            training steps and FLOPs use the plain model. Default: False.
    """

    def __init__(self,
                 name: str,
                 model: nn.Module,
                 shape: Sequence[int],
                 device='cpu',
                 published_gflops: Optional[float] = None,
                 deploy: bool = False) -> None:
        self.name, self.shape = name, tuple(shape)
        self.device = torch.device(device)
        self.model = model.to(self.device).eval()
        self.infer_model = self.model
        if deploy:
            from mmtin.models.utils import switch_to_deploy
            self.infer_model = switch_to_deploy(copy.deepcopy(self.model))
        self.scores = RecognizerScores(self.infer_model).eval()
        self.published_gflops = published_gflops
        self.params = count_params(model)
        self.flops = self.flops_check = None
        self.inputs = torch.randn(self.shape, device=self.device)
        self._optim = self._samples = self._session = None
        self._stream = None

    def count_flops(self, affine_frames: Optional[int] = None,
                    check: bool = False) -> None:
        """Count FLOPs of one clip (batch 1) with ``mmengine.analysis``.

        Args:
            affine_frames (int, optional): Extrapolate 3D counts from this
                many frames (:func:`count_flops_affine`). Default: None.
            check (bool): Also count with ``FlopCounterMode``.
                Default: False.
        """
        one = self.inputs[:1]
        if affine_frames and one.dim() == 6:
            self.flops = count_flops_affine(self.model, one, affine_frames)
        else:
            self.flops = count_flops(self.model, one)
        if check:
            self.flops_check = count_flops_torch(self.model, one)

    def infer(self) -> None:
        """No-grad forward to class scores."""
        with torch.no_grad():
            self.scores(self.inputs)

    def train_step(self) -> None:
        """One SGD step on the batch with random labels."""
        if self._optim is None:
            from mmaction.structures import ActionDataSample
            head = self.model.cls_head
            labels = torch.randint(head.num_classes, (self.shape[0], ))
            self._samples = [
                ActionDataSample().set_gt_label(lbl.view(1)).to(self.device)
                for lbl in labels
            ]
            self._optim = torch.optim.SGD(
                self.model.parameters(), lr=1e-4, momentum=0.9)
        self.model.train()
        losses = self.model(self.inputs, self._samples, mode='loss')
        loss, _ = self.model.parse_losses(losses)
        self._optim.zero_grad(set_to_none=True)
        loss.backward()
        self._optim.step()
        self.model.eval()

    @property
    def is_stream(self) -> bool:
        return hasattr(self.model, 'stream_step')

    def stream_step(self, chunk: int = 1) -> None:
        """One stream step of ``chunk`` frames (first call: zero states)."""
        if self._stream is None:
            x = self.inputs[:, 0, :, :chunk]
            self._stream = [x, {}]
        with torch.no_grad():
            pooled, self._stream[1] = self.infer_model.stream_step(
                self._stream[0], self._stream[1])
            self.infer_model.cls_head(pooled)

    def prepare_onnxruntime(self, threads: Optional[int] = None) -> None:
        """Export :meth:`infer`'s forward (TorchScript exporter, opset 17)
        and open an onnxruntime CPU session with ``threads`` threads."""
        from mmtin.deployment import export_onnx, ort_session
        if self.device.type != 'cpu':
            raise ValueError('--onnxruntime compares CPU latency: use '
                             '--device cpu')
        data = export_onnx(self.scores, [self.inputs])
        self._session = ort_session(data, threads)
        self._ort_feed = {
            self._session.get_inputs()[0].name: self.inputs.cpu().numpy()
        }

    def ort_infer(self) -> None:
        """The forward of :meth:`infer` in onnxruntime."""
        self._session.run(None, self._ort_feed)
