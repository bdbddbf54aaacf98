# Copyright (c) OpenMMLab. All rights reserved.
import json
import math
import os.path as osp
import shutil
import warnings
from typing import Dict, List, Optional

from optuna.trial import TrialState

_ORDER = {
    TrialState.COMPLETE: 0,
    TrialState.PRUNED: 1,
    TrialState.FAIL: 2,
    TrialState.RUNNING: 3,
    TrialState.WAITING: 4
}


def _fmt(value) -> str:
    if isinstance(value, float):
        return f'{value:.4g}'
    return str(value)


class SearchReport:
    """Leaderboard, per-choice summary, plots and best config of a study.

    Args:
        study (optuna.Study): The study (loaded from its storage).
        metric (str): Name of the optimised metric (for the tables).
            Default: 'acc/top1'.
    """

    def __init__(self, study, metric: str = 'acc/top1') -> None:
        self.study = study
        self.metric = metric
        self.sign = 1 if study.direction.name == 'MAXIMIZE' else -1

    # ------------------------------------------------------------- tables
    def ranked_trials(self) -> List:
        """Trials sorted: COMPLETE by value, PRUNED by last value, FAIL..."""

        def key(t):
            value = t.value if t.value is not None else -math.inf * self.sign
            return (_ORDER.get(t.state, 5), -self.sign * value, t.number)

        return sorted(self.study.get_trials(deepcopy=False), key=key)

    def leaderboard(self) -> str:
        """A markdown table: rank, trial, state, metric, params, time."""
        lines = [
            f'| rank | trial | state | {self.metric} | params | epochs | '
            'time (s) | note |', '|---|---|---|---|---|---|---|---|'
        ]
        for rank, t in enumerate(self.ranked_trials(), 1):
            params = ', '.join(f'{k}={_fmt(v)}' for k, v in t.params.items())
            value = '' if t.value is None else f'{t.value:.4f}'
            if t.state == TrialState.PRUNED and t.value is not None:
                value += ' (last)'
            duration = ('' if t.duration is None else
                        f'{t.duration.total_seconds():.0f}')
            note = t.user_attrs.get('error') or t.user_attrs.get('note', '')
            if 'retry_of' in t.user_attrs:
                note = f'retry of {t.user_attrs["retry_of"]}; {note}'
            note = str(note).replace('|', '/').replace('\n', ' ')[:120]
            lines.append(
                f'| {rank} | {t.number} | {t.state.name} | {value} | '
                f'{params} | {t.user_attrs.get("epochs", "")} | {duration} | '
                f'{note} |')
        return '\n'.join(lines)

    def choice_summary(self, param: str) -> str:
        """Best and mean metric per choice of a categorical parameter.

        COMPLETE trials and PRUNED ones with a reported value take part;
        the table is sorted best first.
        """
        groups: Dict[str, List[float]] = {}
        for t in self.study.get_trials(deepcopy=False):
            if param not in t.params or t.value is None or t.state not in (
                    TrialState.COMPLETE, TrialState.PRUNED):
                continue
            groups.setdefault(str(t.params[param]), []).append(t.value)
        rows = sorted(
            groups.items(),
            key=lambda kv: -max(self.sign * v for v in kv[1]))
        lines = [
            f'| {param} | trials | best {self.metric} | '
            f'mean {self.metric} |', '|---|---|---|---|'
        ]
        for choice, values in rows:
            best = max(v * self.sign for v in values) * self.sign
            lines.append(f'| {choice} | {len(values)} | {best:.4f} | '
                         f'{sum(values) / len(values):.4f} |')
        return '\n'.join(lines)

    def best_trial(self):
        """The best COMPLETE trial (None if there is none)."""
        complete = [
            t for t in self.study.get_trials(deepcopy=False)
            if t.state == TrialState.COMPLETE
        ]
        if not complete:
            return None
        return max(complete, key=lambda t: (self.sign * t.value, -t.number))

    # -------------------------------------------------------------- files
    def export_best_config(self, out_path: str) -> Optional[str]:
        """Copy the best trial's resolved config to ``out_path``.

        The file is the trial's own ``config.py`` (a standalone config) with
        a comment header naming the trial; ``tools/train.py`` and
        ``tools/test.py`` accept it.

        Returns:
            str or None: ``out_path``, or None without a COMPLETE trial.
        """
        best = self.best_trial()
        if best is None or 'config' not in best.user_attrs:
            return None
        header = (
            '# Best trial of the search study '
            f'{self.study.study_name!r}: trial {best.number}, '
            f'{self.metric}={best.value:.4f}\n# params: '
            + ', '.join(f'{k}={_fmt(v)}' for k, v in best.params.items()) +
            f'\n# trial work dir: {best.user_attrs.get("work_dir")}\n')
        with open(best.user_attrs['config']) as f:
            body = f.read()
        tmp = out_path + '.tmp'
        with open(tmp, 'w') as f:
            f.write(header + body)
        shutil.move(tmp, out_path)
        return out_path

    def plot(self, out_dir: str) -> Dict[str, str]:
        """Optimisation history and parameter importance as PNGs.

        Returns:
            dict: plot name -> path, or -> 'skipped: reason'.
        """
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
        from optuna.visualization import matplotlib as ovm
        out = {}
        for name, fn in (('history', ovm.plot_optimization_history),
                         ('importance', ovm.plot_param_importances)):
            path = osp.join(out_dir, f'{name}.png')
            try:
                with warnings.catch_warnings():  # 'experimental' notes
                    warnings.simplefilter('ignore')
                    ax = fn(self.study, target_name=self.metric)
                fig = ax.figure if hasattr(ax, 'figure') else ax
                fig.set_size_inches(8, 5)
                fig.tight_layout()
                fig.savefig(path, dpi=100)
                plt.close(fig)
                out[name] = path
            except Exception as e:  # e.g. < 2 complete trials
                out[name] = f'skipped: {type(e).__name__}: {e}'
                plt.close('all')
        return out

    def write(self, out_dir: str, categorical: List[str] = ()) -> Dict:
        """Write leaderboard.md, results.json, plots and best_config.py.

        Args:
            out_dir (str): Output folder (the study's work dir).
            categorical (list[str]): Parameters to summarise per choice.

        Returns:
            dict: Paths and the markdown text under ``markdown``.
        """
        parts = [f'## Search study `{self.study.study_name}`', '',
                 self.leaderboard()]
        for param in categorical:
            parts += ['', self.choice_summary(param)]
        best = self.best_trial()
        if best is not None:
            parts += [
                '', f'Best: trial {best.number}, {self.metric}='
                f'{best.value:.4f}, ' + ', '.join(
                    f'{k}={_fmt(v)}' for k, v in best.params.items())
            ]
        markdown = '\n'.join(parts) + '\n'
        md_path = osp.join(out_dir, 'leaderboard.md')
        with open(md_path, 'w') as f:
            f.write(markdown)
        best_cfg = self.export_best_config(
            osp.join(out_dir, 'best_config.py'))
        plots = self.plot(out_dir)
        results = dict(
            study=self.study.study_name,
            metric=self.metric,
            best_trial=None if best is None else best.number,
            best_value=None if best is None else best.value,
            best_params=None if best is None else best.params,
            best_checkpoint=None
            if best is None else best.user_attrs.get('checkpoint'),
            trials=[
                dict(number=t.number, state=t.state.name, value=t.value,
                     params=t.params, user_attrs={
                         k: v for k, v in t.user_attrs.items()
                         if k != 'traceback'
                     },
                     duration_s=None if t.duration is None else
                     t.duration.total_seconds())
                for t in self.study.get_trials(deepcopy=False)
            ])
        json_path = osp.join(out_dir, 'results.json')
        with open(json_path, 'w') as f:
            json.dump(results, f, indent=2, default=str)
        return dict(markdown=markdown, leaderboard=md_path, json=json_path,
                    best_config=best_cfg, plots=plots)
