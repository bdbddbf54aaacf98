# Copyright (c) OpenMMLab. All rights reserved.
from .checked_datasets import (check_annotation_files, prepare_datasets,
                               use_checked_video_datasets)
from .config_checks import ConfigCheckError
from .inference import (inference_recognizer, pipeline_view_problems,
                        single_view_pipeline)
from .model_analysis import (build_recognizer, disable_pretrained,
                             prepare_model_cfg,
                             set_num_segments, view_input_shape, view_spec)

__all__ = [
    'ConfigCheckError', 'build_recognizer',
    'disable_pretrained', 'prepare_model_cfg',
    'set_num_segments', 'view_input_shape', 'view_spec',
    'check_annotation_files', 'prepare_datasets',
    'use_checked_video_datasets', 'inference_recognizer',
    'pipeline_view_problems', 'single_view_pipeline'
]
