# Copyright (c) OpenMMLab. All rights reserved.
"""Evidence for LSTS: (a) learned offsets recover motion; (b) keyframe
propagation keeps accuracy at a fraction of the FLOPs.

Usage::

    flock /tmp/mmtin-heavy.lock python tools/analysis/lsts_evidence.py \
        [--data-root data/moving_object] [--seeds 0 1 2] [--epochs 4] \
        [--work-dir work_dirs/lsts_evidence] [--skip-alignment] \
        [--skip-propagation]

(a) Alignment. A smooth random feature map and a copy of it moved by a
translation and a rotation; an ``LSTSAlign`` (9 offsets, the 3x3 integer
grid, which does not contain the motion) is trained to reconstruct the
current features from the moved copy. Reported: the reconstruction error
(interior positions, relative to the features' variance) and the end-point
error of the mean sampled offset against the true motion, for the
untrained module, a control that trains only the embeddings (offsets frozen
at the grid) and the full module (offsets learned, lr x 20).

(b) Propagation. ``configs/lsts/{plain,lsts,copy}_r18_moving_object.py``
are trained with MMEngine's Runner (the tools/train.py code path) for the
same number of epochs and seeds on the moving-object dataset (written to
``--data-root`` if missing) and tested on its test split; FLOPs per clip
from ``mmengine.analysis``.

Writes ``WORK_DIR/lsts_evidence.{md,json,png}`` and prints the tables.
"""
import argparse
import json
import math
import os
import os.path as osp
import statistics
import sys
import time

import torch
import torch.nn.functional as F

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

METHODS = ('plain', 'lsts', 'copy')
# supplementary: the same two propagations with the paper's DFA fusion of
# the non-key frame's own low2high features
FUSION_VARIANTS = ('lsts_dfa', 'copy_dfa')
DFA = dict(type='LSTSQualityFusion', mid_channels=16)
LABELS = dict(
    plain='full backbone on every frame (plain)',
    lsts='keyframe propagation, LSTS (interval 4)',
    copy='keyframe propagation, copy (control)',
    lsts_dfa='LSTS + DFA fusion with own low2high (supplementary)',
    copy_dfa='copy + DFA fusion with own low2high (supplementary)')


# --------------------------------------------------------------------------
# (a) alignment
def smooth_features(channels, size, cells, generator):
    """``[1, C, size, size]`` smooth random features (bicubic from a coarse
    ``cells x cells`` grid)."""
    coarse = torch.randn(1, channels, cells, cells, generator=generator)
    return F.interpolate(coarse, size=(size, size), mode='bicubic',
                         align_corners=True)


def moved_copy(feat, shift, angle_deg):
    """``ref`` with ``ref(R p + d) = feat(p)`` about the centre (``p`` in
    cells); returns ``ref`` and the true displacement field ``[H, W, 2]``
    (``R p + d - p``, what each position's offset should be)."""
    _, _, h, w = feat.shape
    a = math.radians(angle_deg)
    rot = torch.tensor([[math.cos(a), -math.sin(a)],
                        [math.sin(a), math.cos(a)]])
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32),
                            torch.arange(w, dtype=torch.float32),
                            indexing='ij')
    centre = torch.tensor([(w - 1) / 2, (h - 1) / 2])
    q = torch.stack((xs, ys), -1) - centre  # positions of ref, centred
    # ref(q) = feat(R^-1 (q - d))
    src = (q - torch.tensor(shift)) @ rot + centre  # R^-1 v = v @ R
    grid = torch.stack((2 * src[..., 0] / (w - 1) - 1,
                        2 * src[..., 1] / (h - 1) - 1), -1)
    ref = F.grid_sample(feat, grid[None], mode='bicubic',
                        padding_mode='zeros', align_corners=True)
    p = torch.stack((xs, ys), -1) - centre
    flow = p @ rot.T + torch.tensor(shift) - p
    return ref, flow


def _errors(align, cur, ref, flow, border):
    from mmtin.ops import lsts_align
    with torch.no_grad():
        out, weights = lsts_align(ref, align.embed_cur(cur),
                                  align.embed_ref(ref), align.offsets,
                                  return_weights=True)
        inner = (slice(None), slice(None), slice(border, -border),
                 slice(border, -border))
        err = ((out - cur)[inner]**2).mean() / cur[inner].var()
        mean_off = torch.einsum('kc,bkhw->hwc', align.offsets, weights)
        epe = (mean_off - flow).norm(dim=-1)[border:-border, border:-border]
    return float(err), float(epe.mean())


def alignment_study(steps=300, size=24, channels=8, shift=(2.4, -1.7),
                    angle_deg=4.0, seed=0, lr=0.01, offset_lr_mult=20.):
    """Train ``LSTSAlign`` to align a moved copy; errors before and after.

    Args:
        steps (int): Adam steps. Default: 300.
        size (int): Feature map side in cells. Default: 24.
        channels (int): Feature channels. Default: 8.
        shift (tuple[float]): Translation ``(dx, dy)`` in cells.
            Default: (2.4, -1.7).
        angle_deg (float): Rotation about the centre. Default: 4.0.
        seed (int): Random seed. Default: 0.
        lr (float): Learning rate of the embeddings. Default: 0.01.
        offset_lr_mult (float): Learning-rate multiplier of the offsets.
            Default: 20.

    Returns:
        dict: ``rel_error`` and ``epe`` (cells) for ``untrained``,
        ``frozen_grid`` (embeddings trained, offsets fixed) and ``trained``,
        plus the learned offsets and the setting.
    """
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope

    import mmtin  # noqa: F401
    init_default_scope('mmaction')
    g = torch.Generator().manual_seed(seed)
    cur = smooth_features(channels, size, 6, g)
    ref, flow = moved_copy(cur, shift, angle_deg)
    border = int(math.ceil(max(abs(s) for s in shift))) + 2
    inner = (slice(None), slice(None), slice(border, -border),
             slice(border, -border))
    results = {}
    trained = {}
    for name, learn_offsets in (('frozen_grid', False), ('trained', True)):
        torch.manual_seed(seed)
        align = MODELS.build(
            dict(type='LSTSAlign', in_channels=channels,
                 embed_channels=channels, num_offsets=9,
                 offset_init='grid'))
        if name == 'frozen_grid':
            results['untrained'] = _errors(align, cur, ref, flow, border)
        align.offsets.requires_grad_(learn_offsets)
        groups = [dict(params=[p for n, p in align.named_parameters()
                               if n != 'offsets'])]
        if learn_offsets:
            groups.append(dict(params=[align.offsets],
                               lr=lr * offset_lr_mult))
        optim = torch.optim.Adam(groups, lr=lr)
        for _ in range(steps):
            out = align(cur, ref)
            loss = ((out - cur)[inner]**2).mean()
            optim.zero_grad()
            loss.backward()
            optim.step()
        results[name] = _errors(align, cur, ref, flow, border)
        trained[name] = align.offsets.detach().clone()
    out = dict(
        setting=dict(steps=steps, size=size, channels=channels,
                     shift=list(shift), angle_deg=angle_deg, seed=seed,
                     num_offsets=9, offset_init='grid (3x3 over [-1,1])',
                     lr=lr, offset_lr_mult=offset_lr_mult, border=border),
        learned_offsets=trained['trained'].tolist())
    for key, (err, epe) in results.items():
        out[key] = dict(rel_error=err, epe=epe)
    out['error_drop_vs_untrained'] = (out['untrained']['rel_error'] /
                                      out['trained']['rel_error'])
    out['error_drop_vs_frozen_grid'] = (out['frozen_grid']['rel_error'] /
                                        out['trained']['rel_error'])
    return out


def alignment_table(res):
    rows = ['| alignment module | rel. error | offset EPE (cells) |',
            '|---|---|---|']
    names = dict(untrained='untrained (3x3 grid, random embeddings)',
                 frozen_grid='embeddings trained, offsets frozen at grid',
                 trained='embeddings + offsets trained (LSTS)')
    for key in ('untrained', 'frozen_grid', 'trained'):
        rows.append(f'| {names[key]} | {res[key]["rel_error"]:.4f} | '
                    f'{res[key]["epe"]:.3f} |')
    s = res['setting']
    rows.append('')
    rows.append(
        f'Motion: shift {s["shift"]} cells + {s["angle_deg"]} deg rotation '
        f'on {s["size"]}x{s["size"]}x{s["channels"]} features, {s["steps"]} '
        f'Adam steps. Error drop: {res["error_drop_vs_untrained"]:.1f}x vs '
        f'untrained, {res["error_drop_vs_frozen_grid"]:.1f}x vs frozen '
        'grid.')
    return '\n'.join(rows)


# --------------------------------------------------------------------------
# (b) propagation
def _set_data_root(cfg, root):
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        ds = cfg[loader]['dataset']
        split = osp.basename(ds['ann_file'])
        ds['ann_file'] = osp.join(root, split)
        ds['data_prefix'] = dict(video=root)


def config_path(method):
    return osp.join(REPO_ROOT, 'configs', 'lsts',
                    f'{method.split("_")[0]}_r18_moving_object.py')


def load_config(method):
    """The method's config; ``*_dfa`` variants add the DFA fusion."""
    from mmengine.config import Config
    cfg = Config.fromfile(config_path(method))
    if method.endswith('_dfa'):
        cfg.model.fusion = DFA
    return cfg


def clip_flops(cfg):
    """FLOPs (one multiply-add = 1) of one 8-frame test clip."""
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope

    import mmtin  # noqa: F401
    from mmtin.apis import count_flops
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)
    size = cfg.img_size
    return count_flops(model, torch.zeros(1, cfg.num_segments, 3, size,
                                          size))


def train_and_test(method, seed, args):
    """One run through MMEngine's Runner; returns test top-1 (%)."""
    from mmengine.runner import Runner
    cfg = load_config(method)
    _set_data_root(cfg, args.data_root)
    cfg.work_dir = osp.join(args.work_dir, method, f'seed{seed}')
    cfg.experiment_name = f'{method}_seed{seed}'
    cfg.randomness = dict(seed=seed, deterministic=False)
    cfg.train_cfg.max_epochs = args.epochs
    cfg.train_cfg.val_begin = args.epochs + 1  # no validation
    cfg.param_scheduler[1].update(T_max=args.epochs, end=args.epochs)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        interval=args.epochs)
    cfg.default_hooks.logger.interval = 25
    cfg.log_level = 'WARNING'
    start = time.time()
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    seconds = time.time() - start
    top1 = 100 * float(metrics['acc/top1'])
    extra = {}
    model = runner.model
    if getattr(model, 'align', None) is not None:
        extra['learned_offsets'] = model.align.offsets.detach().cpu(
        ).tolist()
    return dict(top1=top1, seconds=seconds, **extra)


def summarise(runs, flops):
    out = {}
    for method in METHODS + FUSION_VARIANTS:
        accs = [r['top1'] for r in runs.get(method, [])]
        if not accs:
            continue
        out[method] = dict(
            top1=accs,
            mean=statistics.mean(accs),
            std=statistics.stdev(accs) if len(accs) > 1 else 0.,
            flops=flops[method],
            flops_ratio=flops[method] / flops['plain'])
    return out


def propagation_table(summary, seeds):
    rows = ['| model | top-1 per seed (%) | mean +- std | FLOPs / clip '
            '| vs plain |', '|---|---|---|---|---|']
    for method, s in summary.items():
        per = ' / '.join(f'{a:.1f}' for a in s['top1'])
        rows.append(f'| {LABELS[method]} | {per} | {s["mean"]:.1f} +- '
                    f'{s["std"]:.1f} | {s["flops"] / 1e6:.1f} M | '
                    f'{100 * s["flops_ratio"]:.0f}% |')
    return '\n'.join(rows)


def claims(summary, margin=5.0):
    p, l, c = (summary[m] for m in METHODS)
    return dict(
        lsts_within_2_points_of_plain=l['mean'] >= p['mean'] - 2,
        lsts_flops_at_most_half=l['flops_ratio'] <= 0.5,
        lsts_beats_copy_by_margin=l['mean'] - c['mean'] >= margin,
        margin_points=margin)


def plot(summary, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for method, s in summary.items():
        x = s['flops'] / 1e6
        ax.scatter([x] * len(s['top1']), s['top1'], alpha=0.4)
        ax.errorbar(x, s['mean'], yerr=s['std'], fmt='o', capsize=4,
                    label=method)
    ax.set_xlabel('MFLOPs per 8-frame clip')
    ax.set_ylabel('test top-1 (%)')
    ax.set_title('moving-object: keyframe propagation')
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='LSTS evidence')
    parser.add_argument('--data-root', default='data/moving_object')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--epochs', type=int, default=4)
    parser.add_argument('--methods', nargs='+',
                        default=list(METHODS + FUSION_VARIANTS),
                        choices=METHODS + FUSION_VARIANTS)
    parser.add_argument('--work-dir', default='work_dirs/lsts_evidence')
    parser.add_argument('--align-steps', type=int, default=200)
    parser.add_argument('--skip-alignment', action='store_true')
    parser.add_argument('--skip-propagation', action='store_true')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    # one thread: on a shared 2-core host two threads per process mostly
    # wait on each other (10x slower iterations measured)
    torch.set_num_threads(1)
    os.makedirs(args.work_dir, exist_ok=True)
    result = dict(command='python tools/analysis/lsts_evidence.py ' +
                  ' '.join(argv if argv is not None else sys.argv[1:]))
    md = ['# LSTS evidence', '', f'Command: `{result["command"]}`', '']
    if not args.skip_alignment:
        start = time.time()
        res = alignment_study(steps=args.align_steps)
        res['seconds'] = time.time() - start
        result['alignment'] = res
        md += ['## (a) Alignment', '', alignment_table(res), '']
        print(alignment_table(res), flush=True)
    if not args.skip_propagation:
        from mmtin.datasets.synthetic.moving_object import \
            generate_moving_object_dataset
        if not osp.isfile(osp.join(args.data_root, 'meta.json')):
            generate_moving_object_dataset(args.data_root)
        flops = {m: clip_flops(load_config(m))
                 for m in dict.fromkeys(['plain'] + args.methods)}
        runs = {}
        main_methods = [m for m in args.methods if m in METHODS]
        extra = [m for m in args.methods if m not in METHODS]
        # the main comparison first (all seeds), then the supplementary
        # variants; partial results are written after every run
        order = [(seed, m) for group in (main_methods, extra)
                 for seed in args.seeds for m in group]
        for seed, method in order:
            run = train_and_test(method, seed, args)
            runs.setdefault(method, []).append(run)
            print(f'{method} seed {seed}: top-1 {run["top1"]:.2f}% '
                  f'({run["seconds"]:.0f} s)', flush=True)
            write_outputs(args, result, md, runs, flops, final=False)
        write_outputs(args, result, md, runs, flops, final=True)
    else:
        write_outputs(args, result, md, None, None, final=True)
    return result


def write_outputs(args, result, md, runs, flops, final):
    """Write ``lsts_evidence.{json,md}`` (and the PNG); print when final."""
    md = list(md)
    if runs is not None:
        summary = summarise(runs, flops)
        result.update(runs=runs, summary=summary, epochs=args.epochs,
                      seeds=args.seeds)
        table = propagation_table(summary, args.seeds)
        md += ['## (b) Keyframe propagation', '', table, '',
               f'{args.epochs} epochs per run (batch 8), seeds {args.seeds}; '
               'FLOPs per 8-frame clip by mmengine.analysis (1 multiply-add '
               '= 1 FLOP).', '']
        if all(m in summary and len(summary[m]['top1']) == len(args.seeds)
               for m in METHODS):
            result['claims'] = claims(summary)
            md += ['Claims: ' + ', '.join(
                f'{k}: {v}' for k, v in result['claims'].items()), '']
            if final:
                plot(summary, osp.join(args.work_dir, 'lsts_evidence.png'))
        if final:
            print(table)
            print(result.get('claims'))
    with open(osp.join(args.work_dir, 'lsts_evidence.json'), 'w') as f:
        json.dump(result, f, indent=2)
    with open(osp.join(args.work_dir, 'lsts_evidence.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')
    return result


if __name__ == '__main__':
    main()
