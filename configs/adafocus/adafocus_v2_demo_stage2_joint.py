# Copyright (c) OpenMMLab. All rights reserved.
# AdaFocusV2 stage 2: the continuous-centre policy and the rest train
# jointly through the differentiable crop, starting from stage 1.
_base_ = ['./_base_adafocus_demo.py']

model = dict(patch_mode='v2', random_patch_prob=0.1)
load_from = 'work_dirs/adafocus_demo_stage1_random/epoch_6.pth'
