# Copyright (c) OpenMMLab. All rights reserved.
"""The data a study trains on: a generator and its parameters, checked
against the ``meta.json`` of an existing data folder.

:func:`ensure_data` is the one place that decides whether a data folder may
be used, generated or regenerated:

* a missing or empty folder is generated into (and marked as written by
  the study, see :data:`MARKER`);
* a folder whose ``meta.json`` holds the spec's parameters is reused, by
  whoever wrote it;
* a folder whose ``meta.json`` differs is refused with a
  :class:`DataRootError` naming the differing keys; only with
  ``regenerate=True`` *and* the marker (the study wrote it) is it deleted
  and generated again;
* a marked folder without ``meta.json`` (an interrupted generation) is
  generated again;
* any other non-empty folder is never touched.
"""
import inspect
import json
import math
import os
import os.path as osp
import shutil
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List

#: File written into a data folder before the study generates into it.
MARKER = '.mmtin_study_data.json'
META = 'meta.json'


class DataRootError(ValueError):
    """A data folder that cannot be used for the study's data spec."""


def _plain(value: Any) -> Any:
    """``value`` as JSON would give it back (tuples become lists)."""
    return json.loads(json.dumps(value))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(
            b, (int, float)) and math.isclose(a, b, rel_tol=1e-9)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@dataclass
class DataSpec:
    """A generator and the parameters it is called with.

    Args:
        generator (Callable): ``generator(out_dir, **params)`` writes the
            data set and its ``meta.json`` (as the generators of
            :mod:`mmtin.datasets.synthetic` do).
        params (dict): Keyword arguments for ``generator``. Every one of
            them must be in ``meta.json``; the generator's defaults of the
            other arguments are checked where ``meta.json`` records them.
    """
    generator: Callable
    params: Dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The generator's import name (module and function), e.g.
        ``mmtin.datasets.synthetic.moving_object.
        generate_moving_object_dataset``."""
        return f'{self.generator.__module__}.{self.generator.__qualname__}'

    def expected(self) -> Dict[str, Any]:
        """Parameters ``meta.json`` must hold: the generator's defaults
        updated with :attr:`params` (the output folder excluded)."""
        defaults = {}
        sig = inspect.signature(self.generator)
        for i, (key, param) in enumerate(sig.parameters.items()):
            if i > 0 and param.default is not inspect.Parameter.empty:
                defaults[key] = param.default
        unknown = sorted(set(self.params) - set(sig.parameters))
        if unknown:
            raise DataRootError(f'data spec of {self.name}: unknown '
                                f'parameters {unknown}')
        return _plain({**defaults, **self.params})

    def differences(self, meta: Dict[str, Any]) -> List[str]:
        """The keys whose ``meta.json`` value differs from the spec, each
        as ``'key: meta.json X != spec Y'``."""
        diffs = []
        for key, want in self.expected().items():
            if want is None and key not in self.params:
                continue  # a None default is resolved by the generator
            if key not in meta:
                if key in self.params:  # asked for, so it must be recorded
                    diffs.append(f'{key}: not in meta.json, spec {want!r}')
                continue
            if not _same(_plain(meta[key]), want):
                diffs.append(f'{key}: meta.json {meta[key]!r} != spec '
                             f'{want!r}')
        return diffs


def _read_json(path: str, what: str) -> Dict[str, Any]:
    try:
        with open(path) as f:
            data = json.load(f)
    except ValueError as exc:
        raise DataRootError(f'{what} {path} is not valid JSON: {exc}')
    if not isinstance(data, dict):
        raise DataRootError(f'{what} {path} does not hold a JSON object')
    return data


def _generate(root: str, spec: DataSpec) -> Dict[str, Any]:
    os.makedirs(root, exist_ok=True)
    with open(osp.join(root, MARKER), 'w') as f:
        json.dump(dict(generator=spec.name, params=_plain(spec.params)), f,
                  indent=2)
    spec.generator(root, **spec.params)
    meta_path = osp.join(root, META)
    if not osp.isfile(meta_path):
        raise DataRootError(f'{spec.name} wrote no {META} into {root}')
    return _read_json(meta_path, META)


def ensure_data(root: str, spec: DataSpec,
                regenerate: bool = False) -> Dict[str, Any]:
    """Make ``root`` hold the data of ``spec``; never overwrite foreign
    files.

    Args:
        root (str): The data folder.
        spec (DataSpec): What it must hold.
        regenerate (bool): Delete and regenerate a folder whose
            ``meta.json`` differs from ``spec``, if (and only if) this
            function wrote it (it carries :data:`MARKER`). Default: False.

    Returns:
        dict: The folder's ``meta.json``.

    Raises:
        DataRootError: ``root`` is a non-empty folder that holds other data
            (the message names every differing key) or no ``meta.json``.
    """
    spec.expected()  # unknown parameters: refused before any writing
    if osp.exists(root) and not osp.isdir(root):
        raise DataRootError(f'data root {root} is a file, not a folder')
    if not osp.isdir(root) or not os.listdir(root):
        return _generate(root, spec)
    ours = osp.isfile(osp.join(root, MARKER))
    meta_path = osp.join(root, META)
    if not osp.isfile(meta_path):
        if ours:  # a generation of ours that did not finish
            shutil.rmtree(root)
            return _generate(root, spec)
        raise DataRootError(
            f'data root {root} is not empty and has no {META}: it holds '
            f'other files; choose an empty or new folder for {spec.name}')
    meta = _read_json(meta_path, META)
    diffs = spec.differences(meta)
    if not diffs:
        return meta
    if regenerate and ours:
        shutil.rmtree(root)
        return _generate(root, spec)
    hint = ('or pass --regenerate-data to replace it (this tool wrote it)'
            if ours else '(this tool did not write it, so it is never '
            'overwritten)')
    raise DataRootError(
        f'data root {root} holds other data than {spec.name} would write '
        f'(differing keys: {"; ".join(diffs)}); choose another --data-root '
        f'{hint}')
