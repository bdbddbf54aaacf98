# Copyright (c) OpenMMLab. All rights reserved.
from .adafocus_recognizer import AdaFocusRecognizer
from .movinet_stream_recognizer import MoViNetStreamRecognizer

__all__ = ['MoViNetStreamRecognizer', 'AdaFocusRecognizer']
