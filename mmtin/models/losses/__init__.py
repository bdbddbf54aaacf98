# Copyright (c) OpenMMLab. All rights reserved.
from .adamml_efficiency_loss import AdaMMLEfficiencyLoss
from .ppo_clip_loss import PPOClipLoss

__all__ = ['AdaMMLEfficiencyLoss', 'PPOClipLoss']
