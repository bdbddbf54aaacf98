# Copyright (c) OpenMMLab. All rights reserved.
from .deploy import is_deployed, pop_deploy_flag, switch_to_deploy
from .validators import check_int, check_num_segments, check_shift_div
from .recognizer_scores import RecognizerScores, scores_of
from .fold_bn import fold_batch_norms, fold_bn_into_conv, folded_conv_bn
from .flops import (adafocus_flops, count_flops, count_flops_affine,
                    count_flops_torch, count_params, gru_flops_per_step,
                    module_flops)
from .resnet3d_rs_scaling import resnet3d_rs_points, resnet3d_rs_scaling
from .resnet_stages import (check_resnet_split, resnet_high_level,
                            resnet_low_level)

__all__ = [
    'is_deployed', 'pop_deploy_flag', 'switch_to_deploy', 'check_int',
    'check_num_segments', 'check_shift_div', 'RecognizerScores', 'scores_of',
    'module_flops', 'count_flops', 'count_params', 'count_flops_torch',
    'count_flops_affine', 'adafocus_flops', 'gru_flops_per_step',
    'resnet3d_rs_points', 'resnet3d_rs_scaling', 'check_resnet_split',
    'resnet_high_level', 'resnet_low_level', 'fold_batch_norms',
    'fold_bn_into_conv', 'folded_conv_bn'
]
