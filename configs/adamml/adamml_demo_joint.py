# Copyright (c) OpenMMLab. All rights reserved.
# Stage 2 of 3: train the policy and the main network jointly with hard
# Gumbel-Softmax decisions (tau 5, x0.965 per epoch) and the efficiency
# loss; the policy learns 10x faster (lr 1e-3 main / 1e-2 policy in the
# paper). Starts from the warm-up stage. The paper decays the lr at 1/2 and
# 3/4 of 20 epochs; this short demo decays once, for the last epoch, so
# that the policy gets most of its few steps at the full rate.
_base_ = ['./_base_adamml_demo.py']

model = dict(modality_loss_weight=0.0)
load_from = 'work_dirs/adamml_demo_warmup/epoch_2.pth'
max_epochs = 4
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=max_epochs,
         milestones=[max_epochs - 1], gamma=0.1)
]
optim_wrapper = dict(
    optimizer=dict(lr=1e-3),
    paramwise_cfg=dict(
        custom_keys={
            'policy': dict(lr_mult=10.0),
            'policy.backbones': dict(lr_mult=1.0)
        }))
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='ConfigCheckHook'),
    dict(type='BrokenVideoReportHook'),
    dict(type='GumbelTemperatureHook', init_tau=5.0, decay=0.965),
]
