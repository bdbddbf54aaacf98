# Copyright (c) OpenMMLab. All rights reserved.
from .lsts_propagation_recognizer import LSTSPropagationRecognizer
from .movinet_stream_recognizer import MoViNetStreamRecognizer
from .adamml_recognizer import AdaMMLRecognizer
from .adafocus_recognizer import AdaFocusRecognizer
from .ensemble_recognizer import EnsembleRecognizer

__all__ = [
    'LSTSPropagationRecognizer', 'MoViNetStreamRecognizer', 'AdaMMLRecognizer',
    'AdaFocusRecognizer', 'EnsembleRecognizer'
]
