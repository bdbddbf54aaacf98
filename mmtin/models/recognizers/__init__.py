# Copyright (c) OpenMMLab. All rights reserved.
from .adamml_recognizer import AdaMMLRecognizer
from .movinet_stream_recognizer import MoViNetStreamRecognizer

__all__ = ['AdaMMLRecognizer', 'MoViNetStreamRecognizer']
