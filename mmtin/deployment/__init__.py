# Copyright (c) OpenMMLab. All rights reserved.
from .onnx_export import (example_inputs, export_input_shape, export_module,
                          export_onnx, ort_session, verify_onnx)
from .stream_step_scores import StreamStepScores
from .vid_detector_parts import detector_parts, export_part, verify_part

__all__ = [
    'StreamStepScores', 'example_inputs', 'export_input_shape',
    'export_module', 'export_onnx', 'ort_session', 'verify_onnx',
    'detector_parts', 'export_part', 'verify_part'
]
