# Copyright (c) OpenMMLab. All rights reserved.
from .onnx_export import (example_inputs, export_input_shape, export_module,
                          export_onnx, load_recognizer, ort_session,
                          verify_onnx)
from mmtin.models.utils.recognizer_scores import RecognizerScores, scores_of
from .stream_step_scores import StreamStepScores
from .vid_detector_parts import detector_parts, export_part, verify_part

__all__ = [
    'RecognizerScores', 'StreamStepScores', 'example_inputs',
    'export_input_shape', 'export_module', 'export_onnx', 'load_recognizer',
    'ort_session', 'scores_of', 'verify_onnx', 'detector_parts',
    'export_part', 'verify_part'
]
