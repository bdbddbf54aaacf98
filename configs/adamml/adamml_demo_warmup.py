# Copyright (c) OpenMMLab. All rights reserved.
# Stage 1 of 3: warm up the main network, every modality in every segment,
# with an extra cross-entropy per modality so that each sub-network learns
# on its own modality (the paper pre-trains one sub-network per modality).
# The policy makes no decisions yet (keep_all) but its cheap backbones
# learn the task through linear probes (policy_pretrain_loss_weight),
# standing in for the ImageNet weights the paper's policy starts from:
# without them the joint stage has to train the policy's backbones from
# scratch through the straight-through gradients alone.
_base_ = ['./_base_adamml_demo.py']

model = dict(
    keep_all=True, modality_loss_weight=1.0, policy_pretrain_loss_weight=1.0)
max_epochs = 2
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
