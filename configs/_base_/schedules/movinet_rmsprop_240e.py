# Copyright (c) OpenMMLab. All rights reserved.
# The published MoViNet schedule (TF Model Garden movinet_*_k600_8x8.yaml):
# batch 1024, RMSProp (rho 0.9, momentum 0.9, epsilon 1.0, clipnorm 1.0),
# L2 3e-5 on conv/dense kernels, lr 1.8 with 2145 linear warm-up steps then
# cosine decay to 0 at 85,785 steps. With Kinetics-600's 366,016 training
# clips that is 6 warm-up epochs and 240 epochs in all.
#
# Here: 8 GPUs x 16 clips = 128 a step, so lr = 1.8 * 128 / 1024 = 0.225
# (linear scaling); `--auto-scale-lr` rescales it for other batch sizes.
# Differences: PyTorch's RMSprop adds eps outside the square root
# (g / (sqrt(v) + eps)), TF inside (g / sqrt(v + eps)); mmengine clips the
# global gradient norm, Keras `clipnorm` each tensor's norm.
optim_wrapper = dict(
    optimizer=dict(
        type='RMSprop',
        lr=0.225,
        alpha=0.9,
        momentum=0.9,
        eps=1.0,
        weight_decay=3e-5),
    # TF regularises kernels only: no decay on norms, biases, ReZero and
    # positional-encoding scales
    paramwise_cfg=dict(
        norm_decay_mult=0.,
        bias_decay_mult=0.,
        custom_keys={
            'rezero': dict(decay_mult=0.),
            'pos_scale': dict(decay_mult=0.)
        }),
    clip_grad=dict(max_norm=1.0, norm_type=2))

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=240, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
        by_epoch=True,
        begin=0,
        end=6,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=234,
        eta_min=0,
        by_epoch=True,
        begin=6,
        end=240,
        convert_to_iter_based=True)
]

# published recipe: 1024 clips a step; this config: 8 GPUs x 16 clips
auto_scale_lr = dict(enable=False, base_batch_size=128)
