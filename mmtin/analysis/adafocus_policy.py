# Copyright (c) OpenMMLab. All rights reserved.
"""Where do the trained AdaFocus policies look? Diagnostics of an AdaFocus
evidence study (``tools/analysis/adafocus_evidence.py``), per data variant.

For every seed, the trained V1 (row ``a``, stage ``a_stage3``) and V2 (row
``a2``, stage ``a2_stage2_v2``) models are built from the config their
stage dumped and its checkpoint (:func:`mmtin.apis.build_recognizer`) and
run on the test split (its test pipeline, the test loop's frames). Per
frame the chosen patch is compared with the target's box
(``targets.json``, or recomputed from ``meta.json``:
:mod:`mmtin.datasets.synthetic.small_object_targets`), and the patches of
the whole test split are checked for collapse; random patches and the best
fixed position are scored on the same frames. The definitions are those of
:mod:`mmtin.analysis.adafocus_coverage`. The training curves (loss of every
stage, PPO's reward) come from the stages' ``vis_data/scalars.json``.

Only finished stages (their ``stage.json`` written by the study core) are
read; nothing under the work dir is written.
"""
import copy
import glob
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np

from .adafocus_coverage import (COLLAPSE_SPREAD_RATIO, COLLAPSE_TOP_SHARE,
                                best_fixed_position, coverage, policy_spread,
                                random_coverage)
from .markdown import markdown_table

#: Row of the evidence study -> the stage whose model is diagnosed.
ROW_STAGES = {'a': 'a_stage3', 'a2': 'a2_stage2_v2'}
ROW_LABELS = {'a': '(a) V1, PPO policy', 'a2': '(a2) V2, differentiable crop'}
#: (stage, scalar) panels of the training-curve figure.
CURVES = (('stage0', 'loss'), ('stage1', 'loss'), ('a_stage2_ppo', 'reward'),
          ('a_stage2_ppo', 'loss_ppo'), ('a_stage3', 'loss'),
          ('a2_stage2_v2', 'loss'))
META_KEYS = ('img_shape', 'original_shape', 'frame_inds', 'filename')


def finished_stage(seed_dir: str, stage: str) -> Optional[Dict[str, str]]:
    """``checkpoint`` and dumped ``config`` of a finished stage (its
    ``stage.json`` written), else None."""
    sdir = osp.join(seed_dir, stage)
    info = osp.join(sdir, 'stage.json')
    configs = sorted(glob.glob(osp.join(sdir, '*.py')))
    if not osp.isfile(info) or not configs:
        return None
    with open(info) as f:
        ckpt = json.load(f)['checkpoint']
    return dict(checkpoint=ckpt, config=configs[0])


def read_scalars(stage_dir: str) -> Dict[str, tuple]:
    """``{scalar: (steps, values)}`` of a stage's training log (every run's
    ``*/vis_data/scalars.json``, a resumed run's later steps winning)."""
    points = {}
    for path in sorted(glob.glob(osp.join(stage_dir, '*', 'vis_data',
                                          'scalars.json'))):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                rec = json.loads(line)
                if 'step' not in rec or 'epoch' not in rec:
                    continue  # not a training record
                for key, value in rec.items():
                    if isinstance(value, (int, float)):
                        points.setdefault(key, {})[rec['step']] = value
    return {k: (sorted(v), [v[s] for s in sorted(v)])
            for k, v in points.items()}


def curve_summary(seed_dir: str) -> Dict[str, dict]:
    """First and last logged value (and count) of every :data:`CURVES`
    scalar of one seed, keyed ``'STAGE/SCALAR'``; absent stages left
    out."""
    out = {}
    for stage, key in CURVES:
        steps, values = read_scalars(osp.join(seed_dir, stage)).get(
            key, ((), ()))
        if values:
            out[f'{stage}/{key}'] = dict(first=values[0], last=values[-1],
                                         n=len(values), last_step=steps[-1])
    return out


def decode_test_split(config: str, batch_size: int = 32) -> List[dict]:
    """The test split of ``config``, decoded by its test pipeline (frame
    indices and shapes kept), as collated batches."""
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import init_default_scope

    import mmaction.datasets  # noqa: F401  (the pipeline's transforms)
    import mmtin.datasets  # noqa: F401  (mmtin's dataset types)
    from mmaction.registry import DATASETS
    from mmtin.apis.builder import load_config
    cfg = load_config(config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    data_cfg = copy.deepcopy(cfg.test_dataloader.dataset)
    pack = [s for s in data_cfg.pipeline
            if str(s['type']).endswith('PackActionInputs')]
    if not pack:
        raise ValueError(f'{config}: the test pipeline has no '
                         'PackActionInputs')
    pack[-1]['meta_keys'] = META_KEYS
    dataset = DATASETS.build(data_cfg)
    items = [dataset[i] for i in range(len(dataset))]
    return [pseudo_collate(items[i:i + batch_size])
            for i in range(0, len(items), batch_size)]


def choose_patches(model, batches: Sequence[dict]) -> Dict[str, np.ndarray]:
    """Run ``model`` (an ``AdaFocusRecognizer`` in eval mode) on the
    batches: the patch corners it picks and its predictions.

    Returns:
        dict: ``corners`` ``[N, T, 2]`` (input pixels), ``labels`` ``[N]``
        and ``correct`` ``[N]`` (last step's top-1 right).
    """
    import torch
    corners, correct, classes = [], [], []
    t, p = model.num_segments, model.patch_size
    with torch.no_grad():
        for batch in batches:
            data = model.data_preprocessor(batch, False)
            inputs = data['inputs'][:, :t]  # the first view
            frames = inputs.flatten(0, 1)
            gmap, gvec = model.glance(frames)
            pos = model.select(gmap)
            logits = model.classify(gvec, frames, pos)[:, -1]
            h, w = frames.shape[-2:]
            corners.append((pos * pos.new_tensor([w - p, h - p])).numpy())
            labels = torch.stack([s.gt_label.reshape(-1)[0]
                                  for s in data['data_samples']])
            correct.append((logits.argmax(-1) == labels).numpy())
            classes.append(labels.numpy())
    return dict(corners=np.concatenate(corners),
                labels=np.concatenate(classes),
                correct=np.concatenate(correct))


def frame_targets(batches: Sequence[dict], targets: dict, data_root: str):
    """Target corners ``[N, T, 2]`` and side in input pixels for the frames
    the test pipeline sampled, and the input frame side."""
    boxes, scale, side = [], None, None
    for batch in batches:
        for sample in batch['data_samples']:
            meta = sample.metainfo
            rel = osp.relpath(meta['filename'], data_root).replace('\\', '/')
            per_frame = np.asarray(targets['splits']['test'][rel], float)
            inds = np.asarray(meta['frame_inds']).reshape(-1)
            h, w = meta['img_shape'][:2]
            oh, ow = meta['original_shape'][:2]
            scale = np.array([w / ow, h / oh])
            side = w
            boxes.append(per_frame[inds % len(per_frame)] * scale)
    return (np.stack(boxes), targets['object_size'] * float(scale.mean()),
            side)


def _diagnose(chosen, target_xy, patch, target, frame):
    cov = coverage(chosen['corners'], patch, target_xy, target)
    spread = policy_spread(chosen['corners'], target_xy, patch, target,
                           frame)
    labels = chosen['labels']
    by_class = {int(k): float(cov['whole'][labels == k].mean())
                for k in np.unique(labels)}
    return dict(whole=float(cov['whole'].mean()),
                area=float(cov['area'].mean()),
                top1=float(chosen['correct'].mean()),
                whole_by_class=by_class, **spread)


def variant_diagnostics(variant_dir: str, data_root: str,
                        seeds: Sequence[int],
                        rows: Sequence[str] = ('a', 'a2'),
                        picture_videos: int = 3) -> dict:
    """Coverage, collapse and baselines of one data variant.

    Args:
        variant_dir (str): The study's work dir of the variant (holding
            ``seed{S}/``).
        data_root (str): The variant's data folder.
        seeds (Sequence[int]): Seeds to read (missing stages skipped).
        rows (Sequence[str]): Rows of :data:`ROW_STAGES`.
            Default: ('a', 'a2').
        picture_videos (int): Test videos kept for :func:`plot_patches`.

    Returns:
        dict: ``per_seed`` (seed -> row -> numbers of
        :mod:`.adafocus_coverage`), ``random`` and ``best_fixed`` (on the
        same frames), ``rendering_check`` (pixel differences of re-rendered
        test clips, see :func:`rendering_error`), ``collapsed`` (``'seed S
        row'`` of every collapsed policy), ``blind`` (``'seed S row:
        classes [...]'`` of every policy blind to a class: its whole-target
        share on the class's frames no higher than random patches'),
        ``curves`` (seed ->
        :func:`curve_summary`), ``sizes`` and ``picture``
        (frames, targets and first-seed patches of a few videos).
    """
    from mmtin.apis import build_recognizer
    from mmtin.datasets.synthetic.small_object_targets import (
        load_targets, rendering_error)
    found = {(s, r): finished_stage(osp.join(variant_dir, f'seed{s}'),
                                    ROW_STAGES[r])
             for s in seeds for r in rows}
    found = {k: v for k, v in found.items() if v is not None}
    out = dict(per_seed={}, collapsed=[], blind=[], data_root=data_root,
               curves={s: curve_summary(osp.join(variant_dir, f'seed{s}'))
                       for s in seeds})
    if not found:
        return out
    batches = decode_test_split(next(iter(found.values()))['config'])
    target_xy, target, frame = frame_targets(
        batches, load_targets(data_root), data_root)
    out['rendering_check'] = rendering_error(data_root, 'test', (0, 1))
    picture = dict(frames=[], targets=target_xy[:picture_videos],
                   patches={})
    for batch in batches:
        for x in batch['inputs']:
            if len(picture['frames']) < picture_videos:
                picture['frames'].append(x.numpy().transpose(0, 2, 3, 1))
    patch = None
    for (seed, row), stage in sorted(found.items()):
        model = build_recognizer(stage['config'],
                                 checkpoint=stage['checkpoint'])
        patch = model.patch_size
        chosen = choose_patches(model, batches)
        res = _diagnose(chosen, target_xy, patch, target, frame)
        res['blind_classes'] = [
            k for k, share in res['whole_by_class'].items()
            if share <= random_coverage(target_xy[chosen['labels'] == k],
                                        target, patch, frame)['whole']]
        if res['blind_classes']:
            out['blind'].append(f'seed {seed} {row}: classes '
                                f'{res["blind_classes"]}')
        out['per_seed'].setdefault(seed, {})[row] = res
        if res['collapsed']:
            out['collapsed'].append(f'seed {seed} {row}')
        picture['patches'].setdefault(row, (seed, chosen['corners'][
            :picture_videos]))
    out['random'] = random_coverage(target_xy, target, patch, frame)
    out['best_fixed'] = best_fixed_position(target_xy, target, patch, frame)
    out['sizes'] = dict(patch=patch, target=target, frame=frame,
                        frames=int(target_xy.shape[0] * target_xy.shape[1]))
    out['picture'] = picture
    return out


def _mean_std(values, scale=100.0, digits=1):
    values = [scale * v for v in values]
    if not values:
        return '-'
    mean = float(np.mean(values))
    std = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
    return f'{mean:.{digits}f} ± {std:.{digits}f}'


def diagnostics_markdown(diag: dict, seeds: Sequence[int]) -> str:
    """The diagnostics table of one variant (V1, V2, random, best
    fixed) and its collapse flags per seed."""
    if not diag.get('per_seed'):
        return '(no finished (a) / (a2) model to diagnose)'
    rows = []
    for row in ROW_STAGES:
        res = [diag['per_seed'][s][row] for s in seeds
               if row in diag['per_seed'].get(s, {})]
        if not res:
            continue
        flags = ' / '.join(
            ('**yes**' if diag['per_seed'][s][row]['collapsed'] else 'no')
            if row in diag['per_seed'].get(s, {}) else '-' for s in seeds)
        rows.append([
            ROW_LABELS[row], _mean_std([r['whole'] for r in res]),
            _mean_std([r['area'] for r in res]),
            _mean_std([r['spread_ratio'] for r in res], 1, 2),
            _mean_std([r['top_share'] for r in res]),
            _mean_std([r['top1'] for r in res]), flags])
    rnd, fixed = diag['random'], diag['best_fixed']
    rows.append(['random patches (expected)', f'{100 * rnd["whole"]:.1f}',
                 f'{100 * rnd["area"]:.1f}', '-', '-', '-', '-'])
    x, y = fixed['corner']
    rows.append([f'best fixed position (oracle, corner {x:.0f}, {y:.0f})',
                 f'{100 * fixed["whole"]:.1f}', f'{100 * fixed["area"]:.1f}',
                 '0.00', '100.0', '-', '-'])
    sizes = diag['sizes']
    check = diag.get('rendering_check', {})
    note = (
        f'Test split, {sizes["frames"]} frames; patch {sizes["patch"]} px, '
        f'target {sizes["target"]:g} px, frame {sizes["frame"]} px. '
        'whole: the whole target inside the patch (0.5 px tolerance); '
        'area: share of the target\'s area inside it; spread: RMS spread '
        'of the patch centres / a perfect tracker\'s; collapsed: >= '
        f'{100 * COLLAPSE_TOP_SHARE:.0f} % of frames at one corner or '
        f'spread < {COLLAPSE_SPREAD_RATIO} (seeds {list(seeds)}). Target '
        'boxes re-rendered from meta.json match the files to '
        f'{check.get("max", float("nan")):g} levels (max abs, 0-255).')
    table = markdown_table(
        ['patches', 'whole target in patch (% frames)',
         'target area covered (%)', 'centre spread vs tracker',
         'most used corner (% frames)', 'top-1 (%)',
         'policy collapsed (per seed)'], rows)
    per_class = []
    for row in ROW_STAGES:
        for seed in seeds:
            res = diag['per_seed'].get(seed, {}).get(row)
            if res and 'whole_by_class' in res:
                blind = res.get('blind_classes')
                per_class.append(f'{row} seed {seed} ' + ' / '.join(
                    f'{100 * v:.0f}' for v in res['whole_by_class'].values())
                    + (f' (**blind to classes {blind}**: no better than '
                       'random patches there)' if blind else ''))
    trends = []
    for key in ('a_stage2_ppo/reward', 'a_stage3/loss', 'a2_stage2_v2/loss'):
        per_seed = [f'seed {s} {c[key]["first"]:.3f} -> {c[key]["last"]:.3f}'
                    for s, c in diag.get('curves', {}).items() if key in c]
        if per_seed:
            trends.append(f'{key} (first -> last logged): ' +
                          ', '.join(per_seed))
    if per_class:
        trends.insert(0, 'whole target in patch by class (%, classes 0 / 1 '
                      '/ 2 / 3): ' + ', '.join(per_class))
    return '\n\n'.join([table, note] + (['; '.join(trends) + '.']
                                         if trends else []))
