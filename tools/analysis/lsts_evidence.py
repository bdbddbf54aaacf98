# Copyright (c) OpenMMLab. All rights reserved.
"""Evidence for LSTS: (a) learned offsets recover motion; (b) keyframe
propagation keeps accuracy at a fraction of the FLOPs.

Usage (the command behind the README table; writes
``docs/lsts_evidence/lsts_evidence.{md,json,png}``, about 5 min on a
2-core CPU)::

    python tools/analysis/lsts_evidence.py --methods plain lsts copy \
        --out-dir docs/lsts_evidence

Options: those of :func:`mmtin.study.study_parser` (``--seeds``,
``--threads``, ``--work-dir``, ``--out-dir``, ``--data-root``,
``--resume``, ...), plus ``--epochs``, ``--methods``, ``--align-steps``,
``--skip-alignment``, ``--skip-propagation`` and ``--variants`` (the
moving-object data variants, e.g. the held-out ``bounce_stripes
orbit_disc bounce_noise_fast``: data in ``--data-root`` + ``_VARIANT``,
work dirs ``WORK_DIR/VARIANT/seedS/``, a table and the claims per variant,
claim names prefixed ``VARIANT/``). The held-out table of
``docs/lsts.md``::

    python tools/analysis/lsts_evidence.py --methods plain lsts copy \
        --skip-alignment --variants bounce_stripes orbit_disc \
        bounce_noise_fast --out-dir docs/lsts_evidence

(a) Alignment. A smooth random feature map and a copy of it moved by a
translation and a rotation; an ``LSTSAlign`` (9 offsets, the 3x3 integer
grid, which does not contain the motion) is trained to reconstruct the
current features from the moved copy. Reported: the reconstruction error
(interior positions, relative to the features' variance) and the end-point
error of the mean sampled offset against the true motion, for the
untrained module, a control that trains only the embeddings (offsets frozen
at the grid) and the full module (offsets learned, lr x 20).

(b) Propagation. ``configs/lsts/{plain,lsts,copy}_r18_moving_object.py``
(rows of :mod:`mmtin.study`, one stage each) are trained for the same
number of epochs and seeds on the moving-object dataset (generated into
``--data-root`` if it is missing or empty; refused if its ``meta.json``
differs from the generator's defaults) and tested on its test split; FLOPs
of one test clip counted by the study core (``mmengine.analysis``, one
multiply-add = one FLOP). ``*_dfa`` rows add the paper's DFA fusion
(supplementary).
"""
import math
import os.path as osp
import time
from functools import partial

import torch
import torch.nn.functional as F

from mmtin.datasets.synthetic.moving_object import VARIANTS
from mmtin.study import (COUNTED, ClaimCheck, DataSpec, Stage, StudyReport,
                         StudyRow, StudyRunner, command_line, ensure_data,
                         markdown_table, mean_std, report_stem, setup_study,
                         study_parser, variant_roots)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
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
def config_path(method):
    return osp.join(REPO_ROOT, 'configs', 'lsts',
                    f'{method.split("_")[0]}_r18_moving_object.py')


def build_rows(methods, epochs):
    """One single-stage row per method; ``*_dfa`` adds the DFA fusion."""
    rows = []
    for method in methods:
        options = [('default_hooks.logger.interval', 25)]
        if method.endswith('_dfa'):
            options.append(('model.fusion', DFA))
        rows.append(StudyRow(
            method, [Stage(method, config_path(method), epochs,
                           cfg_options=options)],
            label=LABELS[method],
            metrics={'top1': 'acc/top1', 'gflops': COUNTED}))
    return rows


def data_spec(variant='dev'):
    """The generator's defaults; a held-out ``variant`` is named (and so
    checked against ``meta.json``)."""
    from mmtin.datasets.synthetic import generate_moving_object_dataset
    params = {} if variant == 'dev' else dict(variant=variant)
    return DataSpec(generate_moving_object_dataset, params)


def propagation_table(report, variant=''):
    """Top-1 per seed, mean ± std and FLOPs of every row on ``variant``."""
    rows = []
    plain = report.stats('plain', 'gflops', variant)['mean']
    for method in report.rows:
        top1 = report.stats(method, 'top1', variant, scale=100)
        if not top1['n']:
            continue
        mflops = report.stats(method, 'gflops', variant, scale=1e3)['mean']
        ratio = f'{100 * mflops / (1e3 * plain):.0f}%' if plain else '-'
        rows.append([
            LABELS[method],
            ' / '.join(f'{a:.1f}' for a in top1['per_seed'].values()),
            mean_std(top1), f'{mflops:.1f} M', ratio,
            report.cell(method, 'latency_ms', variant, digits=2)])
    return markdown_table(['model', 'top-1 per seed (%)', 'mean ± std',
                           'FLOPs / clip', 'vs plain',
                           'ms / clip (study process)'], rows)


def claims(report, margin=5.0, variant=''):
    """The two LSTS claims (and the control), on the means over seeds, on
    one data variant (claim names start with ``VARIANT/`` when it is
    named)."""
    top1 = {m: report.stats(m, 'top1', variant, scale=100)['mean']
            for m in METHODS}
    ratio = (report.stats('lsts', 'gflops', variant)['mean'] /
             report.stats('plain', 'gflops', variant)['mean'])
    tag = f'{variant}/' if variant else ''
    return [
        ClaimCheck(f'{tag}lsts_within_2_points_of_plain',
                   top1['lsts'] >= top1['plain'] - 2,
                   dict(lsts=top1['lsts'], plain=top1['plain']),
                   'LSTS top-1 >= plain - 2'),
        ClaimCheck(f'{tag}lsts_flops_at_most_half', ratio <= 0.5,
                   dict(flops_ratio=ratio), 'LSTS FLOPs <= 0.5 x plain'),
        ClaimCheck(f'{tag}lsts_beats_copy_by_margin',
                   top1['lsts'] - top1['copy'] >= margin,
                   dict(lsts=top1['lsts'], copy=top1['copy'],
                        margin=margin), f'LSTS top-1 >= copy + {margin}'),
    ]


def plot_one(report, path):
    """Accuracy against FLOPs of the rows of a one-variant study."""
    report.plot_tradeoff(path, 'gflops', 'top1', 'GFLOPs per 8-frame clip',
                         'test top-1 (%)',
                         'moving-object: keyframe propagation',
                         scales={'top1': 100})


def plot_variants(report, variants, path):
    """One panel per data variant: top-1 against GFLOPs per row, every
    seed small, the mean with a ± std bar large."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(variants),
                             figsize=(3.6 * len(variants), 3.6),
                             squeeze=False, sharey=True)
    for ax, variant in zip(axes[0], variants):
        for i, method in enumerate(report.rows):
            xs = report.per_seed(method, 'gflops', variant)
            ys = report.per_seed(method, 'top1', variant, 100)
            seeds = [s for s in xs if s in ys]
            if not seeds:
                continue
            ax.scatter([xs[s] for s in seeds], [ys[s] for s in seeds],
                       s=10, color=f'C{i}', alpha=0.5)
            top1 = report.stats(method, 'top1', variant, 100)
            ax.errorbar(sum(xs[s] for s in seeds) / len(seeds),
                        top1['mean'], yerr=top1['std'], fmt='o',
                        color=f'C{i}', capsize=3, label=method)
        ax.set_title(variant or 'dev', fontsize=9)
        ax.set_xlabel('GFLOPs per 8-frame clip')
    axes[0][0].set_ylabel('test top-1 (%)')
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def parse_args(argv=None):
    parser = study_parser('LSTS evidence', 'work_dirs/lsts_evidence',
                          data_root='data/moving_object',
                          variants=list(VARIANTS))
    parser.add_argument('--epochs', type=int, default=4)
    parser.add_argument('--methods', nargs='+',
                        default=list(METHODS + FUSION_VARIANTS),
                        choices=METHODS + FUSION_VARIANTS)
    parser.add_argument('--align-steps', type=int, default=200)
    parser.add_argument('--skip-alignment', action='store_true')
    parser.add_argument('--skip-propagation', action='store_true')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    out_dir = setup_study(args)
    command = command_line('tools/analysis/lsts_evidence.py', argv)
    md = ['# LSTS evidence', '', f'Command: `{command}`', '']
    extra = dict(command=command, epochs=args.epochs)
    if not args.skip_alignment:
        start = time.time()
        res = alignment_study(steps=args.align_steps)
        res['seconds'] = time.time() - start
        extra['alignment'] = res
        md += ['## (a) Alignment', '', alignment_table(res), '']
        print(alignment_table(res), flush=True)
    report, checks, plot = StudyReport([], [], args.seeds), [], None
    if not args.skip_propagation:
        roots = variant_roots(args.data_root, args.variants)
        for variant, root in roots.items():
            ensure_data(root, data_spec(variant or 'dev'),
                        args.regenerate_data)
        rows = build_rows(args.methods, args.epochs)
        records = StudyRunner(
            rows, args.seeds, args.work_dir, roots, resume=args.resume,
            cfg_options=args.cfg_options,
            stop_on_error=args.stop_on_error).run()
        report = StudyReport(records, rows, args.seeds)
        md += ['## (b) Keyframe propagation', '']
        full = set(METHODS) <= set(args.methods)
        for variant in roots:
            table = propagation_table(report, variant)
            title = f'**Variant `{variant}`**\n\n' if variant else ''
            md += [title + table, '']
            print(title + table)
            if full and report.complete(variant):
                checks += claims(report, variant=variant)
        md += [f'{args.epochs} epochs per run, seeds {args.seeds}; FLOPs of '
               'one 8-frame test clip by mmengine.analysis (1 multiply-add '
               '= 1 FLOP).']
        if checks and list(roots) == ['']:
            plot = partial(plot_one, report)
        elif checks:
            plot = partial(plot_variants, report, list(roots))
    stem = report_stem('lsts', args.variants)
    paths = report.write(out_dir, stem, '\n'.join(md), checks,
                         plot=plot, scales={'top1': 100}, **extra)
    for check in checks:
        print(check)
    print('wrote ' + ', '.join(paths))
    return report, checks


if __name__ == '__main__':
    main()
