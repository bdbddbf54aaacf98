# Copyright (c) OpenMMLab. All rights reserved.
from .config_checks import ConfigCheckError
from .config_walker import (ConfigKeyError, disable_pretrained, get_key,
                            iter_config, replace_data_root, set_key,
                            set_max_epochs, set_num_segments)

__all__ = [
    'ConfigCheckError', 'ConfigKeyError', 'disable_pretrained', 'get_key',
    'iter_config', 'replace_data_root', 'set_key', 'set_max_epochs',
    'set_num_segments'
]
