# Copyright (c) OpenMMLab. All rights reserved.
# AdaFocus stage 1 (warm-up): random patches; glancer, focuser and the
# recurrent classifier learn, the policy is not used yet.
_base_ = ['./_base_adafocus_demo.py']

model = dict(patch_mode='random')
