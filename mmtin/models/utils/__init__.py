# Copyright (c) OpenMMLab. All rights reserved.
from .deploy import is_deployed, switch_to_deploy
from .module_flops import module_flops

__all__ = ['is_deployed', 'module_flops', 'switch_to_deploy']
