# Copyright (c) OpenMMLab. All rights reserved.
from .deploy import is_deployed, switch_to_deploy

__all__ = ['is_deployed', 'switch_to_deploy']
