# Copyright (c) OpenMMLab. All rights reserved.
# AdaMML (Panda et al., ICCV 2021) with the published choices for RGB +
# audio + motion: 2D ResNet-50 (TSN-style) for RGB and for the motion
# modality (here RGB differences of 5-frame clips, 4 * 3 channels, computed
# with TDN's difference math), MobileNetV2 for the 1-channel audio
# spectrogram, an ImageNet MobileNetV2 per modality in the policy (RGB at
# 160 / 224 of the main resolution; the motion policy sees the mean of the
# four RGB differences, 3 channels), MLP (2048, 2048), LSTMCell (256), cost
# weights [0.5, 0.05, 0.8], gamma 10. Pre-trained weights are downloaded
# when training starts (use `pretrained=None` / no init_cfg offline).
num_classes = 400
modalities = ('rgb', 'audio', 'motion')
_imagenet_r50 = dict(
    type='Pretrained',
    checkpoint='https://download.openmmlab.com/mmclassification/v0/resnet/'
    'resnet50_8xb32_in1k_20210831-ea4938fc.pth',
    prefix='backbone.')
_imagenet_mnv2 = dict(
    type='Pretrained',
    checkpoint='https://download.openmmlab.com/mmclassification/v0/'
    'mobilenet_v2/mobilenet_v2_batch256_imagenet_20200708-3b2dc3af.pth',
    prefix='backbone.')


def _head(in_channels):
    return dict(
        type='TSNHead',
        num_classes=num_classes,
        in_channels=in_channels,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.5,
        init_std=0.01)


_policy_mnv2 = dict(type='mmpretrain.MobileNetV2', init_cfg=_imagenet_mnv2)
model = dict(
    type='AdaMMLRecognizer',
    modalities=modalities,
    subnets=dict(
        rgb=dict(
            backbone=dict(
                type='mmpretrain.ResNet', depth=50, init_cfg=_imagenet_r50),
            cls_head=_head(2048)),
        motion=dict(
            backbone=dict(type='mmpretrain.ResNet', depth=50, in_channels=12),
            cls_head=_head(2048)),
        audio=dict(
            backbone=dict(
                type='mmpretrain.MobileNetV2', init_cfg=_imagenet_mnv2),
            cls_head=_head(1280),
            repeat_channels=3)),
    policy=dict(
        type='AdaMMLPolicy',
        backbones=dict(rgb=_policy_mnv2, audio=_policy_mnv2,
                       motion=dict(type='mmpretrain.MobileNetV2')),
        input_scale=dict(rgb=160 / 224, motion=160 / 224),
        repeat_channels=dict(audio=3),
        fold_channels=dict(motion=4),  # mean of the 4 RGB differences
        mlp_channels=(2048, 2048),
        lstm_channels=256,
        tau=5.0),
    cost_weights=[0.5, 0.05, 0.8],
    gamma=10.0)
