# Copyright (c) OpenMMLab. All rights reserved.
from .audio_log_mel import AudioLogMel
from .decode_audio_visual import DecodeAudioVisual
from .format_audio_visual_inputs import FormatAudioVisualInputs
from .sample_multi_modal_segments import SampleMultiModalSegments
from .tdn_sample_frames import TDNSampleFrames
from .sample_clip_pair import SampleClipPair
from .clipwise_augment import ClipwiseAugment
from .load_vid_frames import LoadVIDFrames
from .pack_vid_inputs import PackVIDInputs

__all__ = [
    'AudioLogMel', 'DecodeAudioVisual', 'FormatAudioVisualInputs',
    'SampleMultiModalSegments', 'TDNSampleFrames', 'SampleClipPair',
    'ClipwiseAugment', 'LoadVIDFrames', 'PackVIDInputs'
]
