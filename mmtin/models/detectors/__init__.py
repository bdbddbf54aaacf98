# Copyright (c) OpenMMLab. All rights reserved.
from .lsts_video_detector import LSTSVideoDetector
from .two_stage_frame_detector import TwoStageFrameDetector

__all__ = ['TwoStageFrameDetector', 'LSTSVideoDetector']
