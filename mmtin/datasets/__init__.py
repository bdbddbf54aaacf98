# Copyright (c) OpenMMLab. All rights reserved.
from .checked_video_dataset import (BrokenVideoError,  # noqa: F401
                                    CheckedVideoDataset)
from .imagenet_vid_dataset import ImageNetVIDDataset  # noqa: F401
from .prepare_datasets import (check_annotation_files,  # noqa: F401
                               prepare_datasets, use_checked_video_datasets)
from .transforms import *  # noqa: F401,F403
