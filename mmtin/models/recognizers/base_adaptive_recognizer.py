# Copyright (c) OpenMMLab. All rights reserved.
"""The base of mmtin's adaptive recognizers built from several networks."""
from abc import ABCMeta, abstractmethod
from typing import List, Optional

from mmengine.model import BaseModel
from torch import Tensor


class BaseAdaptiveRecognizer(BaseModel, metaclass=ABCMeta):
    """A recognizer that decides per sample how much of itself to run.

    AdaFocus (glancer + focuser + policy + recurrent classifier) and AdaMML
    (one sub-network per modality + policy + fusion) have no single
    ``backbone``: MMAction2's ``BaseRecognizer.__init__`` builds exactly
    one backbone (and neck) and takes no ``init_cfg``, so these subclass
    MMEngine's ``BaseModel`` openly through this class. It keeps
    ``BaseRecognizer``'s protocol: ``forward(inputs, data_samples, mode)``
    dispatches ``'tensor'`` to :meth:`_forward`, ``'loss'`` to
    :meth:`loss` and ``'predict'`` to :meth:`predict`;
    ``init_weights`` is ``BaseModule``'s (it honours ``init_cfg`` and
    initialises every sub-module).

    The cost ledger: every adaptive recognizer of mmtin (these and
    ``LSTSPropagationRecognizer``) reports what a prediction cost through
    one method, :meth:`sample_gflops`, and its ``predict`` stores that in
    each data sample as ``gflops`` (float, GFLOPs of that video, all test
    views together); ``GFLOPsMetric`` averages it next to ``AccMetric``.
    What the model chose to run is summarised in the sample's ``usage``
    (a dict of floats; ``GFLOPsMetric`` reports ``usage/<key>``).

    Args:
        data_preprocessor (dict, optional): Data preprocessor config.
            Default: None.
        init_cfg (dict, optional): Initialisation config. Default: None.
    """

    def __init__(self, data_preprocessor=None, init_cfg=None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)

    def forward(self,
                inputs,
                data_samples: Optional[List] = None,
                mode: str = 'tensor',
                **kwargs):
        """``BaseRecognizer``'s mode dispatch.

        Args:
            inputs (Tensor | dict[str, Tensor]): The preprocessed inputs.
            data_samples (list, optional): The data samples (``'loss'``
                and ``'predict'``). Default: None.
            mode (str): ``'tensor'``, ``'loss'`` or ``'predict'``.
                Default: 'tensor'.

        Returns:
            The raw network output (``'tensor'``), a dict of losses
            (``'loss'``) or the data samples with predictions
            (``'predict'``).
        """
        if mode == 'tensor':
            return self._forward(inputs, **kwargs)
        if mode == 'predict':
            return self.predict(inputs, data_samples, **kwargs)
        if mode == 'loss':
            return self.loss(inputs, data_samples, **kwargs)
        raise RuntimeError(f'{type(self).__name__}: invalid mode "{mode}"; '
                           'only supports loss, predict and tensor mode')

    @abstractmethod
    def _forward(self, inputs, **kwargs):
        """The network output without post-processing."""

    @abstractmethod
    def loss(self, inputs, data_samples: List, **kwargs) -> dict:
        """The losses of a batch."""

    @abstractmethod
    def predict(self, inputs, data_samples: List, **kwargs) -> List:
        """The data samples with ``pred_score``, ``gflops`` and
        ``usage``."""

    @abstractmethod
    def sample_gflops(self, inputs, executed: Optional[Tensor] = None
                      ) -> Tensor:
        """GFLOPs of each sample of ``inputs`` given what was executed.

        Args:
            inputs (Tensor | dict[str, Tensor]): The preprocessed batch
                (only its shapes matter).
            executed (Tensor, optional): What the model ran for each
                sample (its meaning is the subclass's; None: everything
                it can run). Default: None.

        Returns:
            Tensor: ``(N, )`` GFLOPs per sample.
        """
