# Copyright (c) OpenMMLab. All rights reserved.
"""mmtin's high-level API: build a recognizer (with a checkpoint), its
class scores, its cost, and inference on a video.

Tools, demos, the deployment and the search use these; nothing below
(``models``, ``ops``, ``utils``) imports them. The cost and the scores
module are the ones of :mod:`mmtin.models.utils` (the one FLOPs module,
:mod:`mmtin.models.utils.flops`, which the adaptive recognizers use for
their own per-sample cost), exported here next to the builder.
"""
from .builder import (NO_CHECKPOINT, build_recognizer, init_weights_quietly,
                      load_config, prepare_model_cfg)
from .checkpoint import (CheckpointMismatchError, load_checkpoint,
                         mismatch_report)
from mmtin.models.utils import (RecognizerScores, count_flops, count_params,
                                scores_of)
from .inference import (inference_recognizer, pipeline_view_problems,
                        pipeline_views, single_view_pipeline)
from .inputs import view_input_shape, view_spec

__all__ = [
    'NO_CHECKPOINT', 'build_recognizer', 'init_weights_quietly',
    'load_config', 'prepare_model_cfg', 'CheckpointMismatchError',
    'load_checkpoint', 'mismatch_report', 'count_flops', 'count_params',
    'inference_recognizer', 'pipeline_view_problems', 'pipeline_views',
    'single_view_pipeline',
    'view_input_shape', 'view_spec', 'RecognizerScores', 'scores_of'
]
