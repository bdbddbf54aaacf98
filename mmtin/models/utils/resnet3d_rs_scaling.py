# Copyright (c) OpenMMLab. All rights reserved.
"""The 3D ResNet-RS scaling points: from a target to the paper's model.

Du et al. ("Revisiting 3D ResNets for Video Recognition", 2021) grow the
3D ResNet-RS family along depth, input frames and resolution together.
What our sources state (``seed_systems.md`` section 2, TF Model Garden
README and ``k400_resnet3drs_50_tpu.yaml``) are the published points:

==========  =====  ============  =========  ========  ==========
model       depth  blocks        frames     K400      K600
==========  =====  ============  =========  ========  ==========
RS-50       50     3, 4, 6, 3    32 x 2     78.2      --
RS-101      101    3, 4, 23, 3   32 x 2     79.5      --
RS-152      152    3, 8, 36, 3   32 x 2     79.9      --
RS-200      200    3, 24, 36, 3  32 x 2     80.4      83.1
RS-200      200    3, 24, 36, 3  48 x 2     81.0      83.8
==========  =====  ============  =========  ========  ==========

So the rule, as far as it is stated: depth first (50 -> 101 -> 152 ->
200) at 32 frames x stride 2, then frames (48 x 2) at depth 200.

Not stated in our sources, hence not invented here:

* the spatial resolution of RS-101 ... RS-200: only the RS-50 YAML is
  published (train crop 224, test 256); every point below carries those
  values, marked ``resolution_source='RS-50 YAML'``;
* the stochastic-depth rate beyond RS-50 (0.1 in its YAML, kept);
* the points of depths 270, 300 and 350 (their block counts are in the
  spec, their frames, resolution and accuracy are not): asking for them
  raises an error;
* the paper's GFLOPs (marked unverified in the spec). ``gflops`` below is
  mmtin's count (mmengine ``FlopAnalyzer``, one multiply-add = one FLOP,
  400 classes, one view at the 224 train crop), written by
  ``tools/analysis/resnet3d_rs_scaling.py``, which recounts it.
"""
from typing import List, Optional

#: The published points, smallest first (see the module docstring).
RS_POINTS = (
    dict(name='RS-50', depth=50, frames=32, k400=78.2, k600=None,
         gflops=88.4, config='configs/resnet3d_rs50_k400.py'),
    dict(name='RS-101', depth=101, frames=32, k400=79.5, k600=None,
         gflops=175.9, config='configs/resnet3d_rs101_k400.py'),
    dict(name='RS-152', depth=152, frames=32, k400=79.9, k600=None,
         gflops=256.9, config='configs/resnet3d_rs152_k400.py'),
    dict(name='RS-200', depth=200, frames=32, k400=80.4, k600=83.1,
         gflops=313.1, config='configs/resnet3d_rs200_k400.py'),
    dict(name='RS-200-48', depth=200, frames=48, k400=81.0, k600=83.8,
         gflops=469.7, config='configs/resnet3d_rs200_48x2_k400.py'),
)
#: What every published point shares (stated for RS-50 only).
RS_COMMON = dict(frame_interval=2, train_crop=224, test_crop=256,
                 drop_path_rate=0.1, resolution_source='RS-50 YAML')


def _stage_blocks(depth: int):
    from mmtin.models.backbones.resnet3d_rs import ResNet3dRS
    return ResNet3dRS.arch_settings[depth][1]


def _point(spec: dict) -> dict:
    out = dict(spec, **RS_COMMON)
    out['stage_blocks'] = tuple(_stage_blocks(spec['depth']))
    out['backbone'] = dict(type='ResNet3dRS', depth=spec['depth'],
                           drop_path_rate=RS_COMMON['drop_path_rate'])
    return out


def resnet3d_rs_points() -> List[dict]:
    """Every published point, as :func:`resnet3d_rs_scaling` returns it."""
    return [_point(p) for p in RS_POINTS]


def resnet3d_rs_scaling(depth: Optional[int] = None,
                        frames: Optional[int] = None,
                        gflops: Optional[float] = None) -> dict:
    """The paper's 3D ResNet-RS for a target depth or GFLOPs budget.

    Args:
        depth (int, optional): 50, 101, 152 or 200.
        frames (int, optional): With ``depth``: the clip length (32, or 48
            for depth 200). Default: the smallest published one.
        gflops (float, optional): A budget per 224-crop view: the largest
            published point whose counted ``gflops`` fits. Points whose
            count is not written yet (None) are skipped.

    Returns:
        dict: ``name``, ``depth``, ``stage_blocks``, ``frames``,
        ``frame_interval``, ``train_crop``, ``test_crop``,
        ``drop_path_rate``, ``resolution_source``, ``gflops``, published
        ``k400`` / ``k600`` top-1 (None if not published), ``config`` (the
        repository config) and ``backbone`` (a ``ResNet3dRS`` config).
    """
    if (depth is None) == (gflops is None):
        raise ValueError('resnet3d_rs_scaling: give exactly one target, '
                         f'depth or gflops (got depth={depth!r}, '
                         f'gflops={gflops!r})')
    if gflops is not None:
        if frames is not None:
            raise ValueError('resnet3d_rs_scaling: frames only goes with '
                             'depth, not with a gflops budget')
        if isinstance(gflops, bool) or not isinstance(
                gflops, (int, float)) or gflops <= 0:
            raise ValueError(f'resnet3d_rs_scaling: gflops must be a '
                             f'positive number, got {gflops!r}')
        fits = [p for p in RS_POINTS
                if p['gflops'] is not None and p['gflops'] <= gflops]
        if not fits:
            counted = {p['name']: p['gflops'] for p in RS_POINTS
                       if p['gflops'] is not None}
            raise ValueError(f'resnet3d_rs_scaling: no published point fits '
                             f'gflops={gflops}; counted points: {counted}')
        return _point(max(fits, key=lambda p: p['gflops']))
    from mmtin.models.backbones.resnet3d_rs import ResNet3dRS
    if depth not in ResNet3dRS.arch_settings:
        raise ValueError(f'resnet3d_rs_scaling: depth={depth!r} is not a '
                         f'ResNet3dRS depth '
                         f'{sorted(ResNet3dRS.arch_settings)}')
    same_depth = [p for p in RS_POINTS if p['depth'] == depth]
    if not same_depth:
        raise ValueError(
            f'resnet3d_rs_scaling: depth={depth} has no published point: '
            f'its blocks {ResNet3dRS.arch_settings[depth][1]} are known, its '
            'frames, resolution and accuracy are not in our sources; '
            f'published depths: {sorted({p["depth"] for p in RS_POINTS})}')
    if frames is None:
        return _point(same_depth[0])
    for p in same_depth:
        if p['frames'] == frames:
            return _point(p)
    raise ValueError(f'resnet3d_rs_scaling: depth={depth} has no published '
                     f'point with frames={frames!r}; published frames: '
                     f'{[p["frames"] for p in same_depth]}')
