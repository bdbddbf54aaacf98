# Copyright (c) OpenMMLab. All rights reserved.
from .tdn_resnet import TDNResNet
from .movinet import MoViNet
from .resnet3d_rs import ResNet3dRS
from .tin_inserter import TINInserter
from .tin_resnet import TINResNet

__all__ = ['TDNResNet', 'MoViNet', 'ResNet3dRS', 'TINInserter', 'TINResNet']
