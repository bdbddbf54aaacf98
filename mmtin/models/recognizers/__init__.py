# Copyright (c) OpenMMLab. All rights reserved.
from .movinet_stream_recognizer import MoViNetStreamRecognizer

__all__ = ['MoViNetStreamRecognizer']
