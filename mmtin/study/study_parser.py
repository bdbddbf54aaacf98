# Copyright (c) OpenMMLab. All rights reserved.
"""The options every study driver (``tools/analysis/*_evidence.py``,
``seed_study.py``) shares."""
import argparse
import os.path as osp
import shlex
import sys
from typing import Optional, Sequence


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be >= 1, got {value}')
    return value


def study_parser(description: str,
                 work_dir: str,
                 data_root: Optional[str] = None,
                 seeds: Sequence[int] = (0, 1, 2),
                 variants: Optional[Sequence[str]] = None,
                 eval_split: bool = False) -> argparse.ArgumentParser:
    """An argument parser with the common study options.

    ``--seeds``, ``--threads`` (torch intra-op threads, default 1: on a
    shared 2-core host more threads per process mostly wait on each other),
    ``--work-dir``, ``--out-dir`` (where the tables go; default: the work
    dir), ``--data-root``, ``--regenerate-data``, ``--resume``,
    ``--stop-on-error`` and ``--cfg-options`` (and, when asked for,
    ``--variants`` and ``--eval-split``).

    Args:
        description (str): The driver's description.
        work_dir (str): Default ``--work-dir``.
        data_root (str, optional): Default ``--data-root``. Default: None.
        seeds (Sequence[int]): Default ``--seeds``. Default: (0, 1, 2).
        variants (Sequence[str], optional): The generator's named data
            variants (its ``VARIANTS``); adds ``--variants NAME [NAME ...]``
            (default ``['dev']``, see :func:`variant_roots`). Default: None.
        eval_split (bool): Add ``--eval-split {test,val}`` (default
            ``test``; ``val`` chooses settings without looking at the test
            split; see :func:`eval_split_options`). Default: False.

    Returns:
        argparse.ArgumentParser: Add the driver's own options to it.
    """
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--seeds', nargs='+', type=int, default=list(seeds),
                        help='training seeds')
    parser.add_argument('--threads', type=_positive_int, default=1,
                        help='torch intra-op threads (default 1)')
    parser.add_argument('--work-dir', default=work_dir,
                        help='root of the per-seed, per-stage work dirs')
    parser.add_argument('--out-dir', default=None,
                        help='where the .md/.json/.png go (default: the '
                        'work dir; the README quotes docs/)')
    parser.add_argument('--data-root', default=data_root,
                        help='data folder: generated if missing or empty, '
                        'reused if its meta.json matches, refused '
                        'otherwise')
    parser.add_argument('--regenerate-data', action='store_true',
                        help='regenerate a data root whose meta.json '
                        'differs, if this tool generated it')
    parser.add_argument('--resume', action='store_true',
                        help='reuse finished runs, resume interrupted ones')
    parser.add_argument('--stop-on-error', action='store_true',
                        help='stop at the first failing run')
    if variants is not None:
        parser.add_argument(
            '--variants', nargs='+', default=['dev'], choices=list(variants),
            metavar='VARIANT',
            help='named data variants to run on (tune on dev, report on '
            f'the held-out ones); one of {list(variants)}. dev uses '
            '--data-root, VARIANT uses --data-root + "_VARIANT"')
    if eval_split:
        parser.add_argument(
            '--eval-split', choices=('test', 'val'), default='test',
            help='split the rows are tested on (val: choose settings '
            'without the test split)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={}, help='key=value overrides for every '
                        'stage config')
    return parser


def variant_roots(data_root: str, variants: Sequence[str]) -> dict:
    """Data folder per named variant: ``dev`` -> ``data_root``, any other
    ``V`` -> ``data_root + '_' + V``.

    Returns ``{'': data_root}`` (no variant level in the work dir, the
    layout of a single-data study) when ``variants`` is just ``['dev']``.

    Args:
        data_root (str): ``--data-root``.
        variants (Sequence[str]): ``--variants``.

    Returns:
        dict: Variant name -> data folder, for :class:`StudyRunner`.
    """
    variants = list(dict.fromkeys(variants))
    if variants == ['dev']:
        return {'': data_root}
    root = data_root.rstrip('/\\')
    return {v: root if v == 'dev' else f'{root}_{v}' for v in variants}


def report_stem(name: str, variants: Sequence[str]) -> str:
    """The file stem of a study's report: ``NAME_evidence`` on the
    development data alone, ``NAME_heldout`` when ``--variants`` names any
    other variant (so a held-out study never overwrites the development
    table in the same ``--out-dir``).

    Args:
        name (str): The system, e.g. ``'adafocus'``.
        variants (Sequence[str]): ``--variants``.

    Returns:
        str: ``f'{name}_evidence'`` or ``f'{name}_heldout'``.
    """
    held_out = any(v != 'dev' for v in variants)
    return f'{name}_heldout' if held_out else f'{name}_evidence'


def eval_split_options(args: argparse.Namespace) -> dict:
    """Config options that test every row on ``args.eval_split``.

    ``{}`` for the test split (the configs' own); otherwise the test
    loader reads ``SPLIT.txt`` of the one data folder of the study (the
    dev data, or the single variant named by ``--variants``: a variant
    tuned on is a development variant, and the docs must say so). A study
    of several variants is refused: held-out tables are reported on their
    test split.

    Args:
        args (argparse.Namespace): Parsed by a :func:`study_parser` with
            ``eval_split=True``.

    Returns:
        dict: Dotted config key -> value, for ``StudyRunner(cfg_options=)``.
    """
    if args.eval_split == 'test':
        return {}
    variants = getattr(args, 'variants', ['dev'])
    roots = list(variant_roots(args.data_root, variants).values())
    if len(roots) != 1:
        raise ValueError(
            f'--eval-split {args.eval_split} is for tuning on one development '
            f'variant; a study of several --variants {variants} is a '
            'held-out study, tested on their test split')
    return {'test_dataloader.dataset.ann_file':
            osp.join(roots[0], f'{args.eval_split}.txt')}


def setup_study(args: argparse.Namespace) -> str:
    """Apply ``--threads``; return the output folder (``--out-dir``, else
    ``--work-dir``)."""
    import torch
    torch.set_num_threads(args.threads)
    return args.out_dir or args.work_dir


def command_line(script: str, argv: Optional[Sequence[str]] = None) -> str:
    """The command that ran ``script`` with ``argv`` (default: this
    process's arguments), for the tables' "reproduce" line."""
    argv = sys.argv[1:] if argv is None else list(argv)
    return shlex.join(['python', script] + argv)
