# Copyright (c) OpenMMLab. All rights reserved.
"""Build-time checks of ``AdaFocusRecognizer`` configs."""

PATCH_MODES = ('v2', 'v1', 'random', 'center')


def check_adafocus_cfg(glancer, focuser, policy, num_segments, patch_size,
                       glance_size, frame_size, patch_mode) -> None:
    """Reject an ``AdaFocusRecognizer`` config naming the bad key.

    Args:
        glancer (dict): Glancer config.
        focuser (dict): Focuser config.
        policy (dict, optional): Policy config.
        num_segments (int): Frames per clip.
        patch_size (int): Patch side.
        glance_size (int): Glance frame side.
        frame_size (int, optional): Input frame side.
        patch_mode (str): One of :data:`PATCH_MODES`.
    """
    if patch_mode not in PATCH_MODES:
        raise ValueError(f'patch_mode must be one of {PATCH_MODES}, '
                         f'got {patch_mode!r}')
    for key, cfg in (('glancer', glancer), ('focuser', focuser)):
        segs = cfg.get('num_segments') if isinstance(cfg, dict) else None
        if segs is not None and segs != num_segments:
            raise ValueError(
                f'{key}.num_segments={segs} disagrees with the '
                f'recognizer\'s num_segments={num_segments}')
    if frame_size is not None:
        for key, size in (('patch_size', patch_size),
                          ('glance_size', glance_size)):
            if size > frame_size:
                raise ValueError(f'{key}={size} is larger than the '
                                 f'frame (frame_size={frame_size})')
    if patch_mode in ('v1', 'v2'):
        want = 'discrete' if patch_mode == 'v1' else 'continuous'
        if policy is None:
            raise ValueError(f'patch_mode={patch_mode!r} needs a policy '
                             f'(action_type={want!r})')
        got = policy.get('action_type', 'continuous')
        if got != want:
            raise ValueError(
                f'patch_mode={patch_mode!r} needs policy.action_type='
                f'{want!r}, got {got!r}')
