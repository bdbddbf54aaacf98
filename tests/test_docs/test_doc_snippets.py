# Copyright (c) OpenMMLab. All rights reserved.
"""Every snippet of ``docs/*.md`` runs, so the docs cannot rot.

Blocks are fenced code blocks; an HTML comment on the line right above a
block (``<!-- docs-test: ... -->``, invisible when rendered) can say more:

* `````python`` blocks run as scripts, each in a fresh namespace, with the
  working directory set to a scratch copy of the checkout's layout
  (``configs/`` copied, ``tools/``, ``demo/``, ``docs/`` linked), so
  ``Config.fromfile('configs/...')`` works as it does from the repository
  root and whatever a snippet writes stays in the scratch folder.
* ``<!-- docs-test: config configs/NAME.py [input=1x8x3x32x32] -->``
  marks a python block as a config file: it is saved as ``configs/NAME.py``
  in the scratch folder (before any snippet runs, so later snippets and
  shell commands may use it), loaded with ``Config.fromfile``, its model
  built with every ``pretrained`` set to None and initialised; with
  ``input=`` a batch of that shape is also run through ``mode='predict'``.
* `````bash`` blocks are checked, not run: every ``python tools|demo/X.py
  ARGS`` must name an existing script whose argument parser accepts ARGS
  (the script's ``main`` runs in-process up to its ``parse_args``), every
  ``bash tools/X.sh`` must exist, ``mim train|test mmtin NAME.py`` must name
  a config of ``configs/``, and every ``configs/...py`` path must exist.
* ``<!-- docs-test: requires PATH -->``: the block uses something another
  branch adds (see ``PENDING``); it is checked as soon as ``PATH`` exists.
* Relative links between pages must resolve (pages of ``PENDING_PAGES``
  may be missing until their branch is merged).

Other languages (``text``, ``shell`` output, ...) are not checked: put code
that needs a GPU, a real dataset or a download there.
"""
import argparse
import contextlib
import importlib.util
import io
import re
import shutil
import sys
import warnings

import pytest
import torch
from doc_blocks import (LINK, REPO_ROOT, heading_anchors, parse_page,
                        shell_commands)

DOCS_DIR = REPO_ROOT / 'docs'

#: Files that other branches add; blocks that need them are checked once
#: they exist (the lead deletes an entry after merging its branch).
PENDING = {}
#: Pages other branches write; links to them may dangle until the merge.
PENDING_PAGES = {}

SCRIPT_DIRS = ('tools/', 'demo/')


PAGES = sorted(DOCS_DIR.glob('*.md'))
BLOCKS = [b for page in PAGES for b in parse_page(page)]
PYTHON = [b for b in BLOCKS if b.lang in ('python', 'py')]
CONFIGS = [b for b in PYTHON if b.option('config') is not None]
SCRIPTS = [b for b in PYTHON if b.option('config') is None]
SHELL = [b for b in BLOCKS if b.lang in ('bash', 'sh')]


def _ready(blocks):
    return [pytest.param(b, id=b.id) for b in blocks if b.unmet() is None]


@pytest.fixture(scope='session')
def workspace(tmp_path_factory):
    """Scratch copy of the repository layout, plus the docs' configs."""
    root = tmp_path_factory.mktemp('docs_ws')
    shutil.copytree(REPO_ROOT / 'configs', root / 'configs')
    for name in ('tools', 'demo', 'docs'):
        (root / name).symlink_to(REPO_ROOT / name)
    for block in CONFIGS:
        target = root / block.option('config')
        assert target.suffix == '.py', f'{block.id}: config path must be .py'
        assert not (REPO_ROOT / block.option('config')).exists(), (
            f'{block.id}: {block.option("config")} would shadow a config of '
            'the repository; give the docs config its own name')
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.code)
    return root


@pytest.fixture
def in_workspace(workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    monkeypatch.setenv('MMTIN_DOCS_TEST', '1')
    threads = torch.get_num_threads()
    yield workspace
    torch.set_num_threads(threads)


def test_docs_have_snippets():
    """The collection itself works: pages exist and have code blocks."""
    names = {p.name for p in PAGES}
    assert {'index.md', 'get_started.md', 'tin.md'} <= names
    assert len(SCRIPTS) >= 5 and len(CONFIGS) >= 3 and len(SHELL) >= 5


def test_unmet_requirements_are_pending():
    """A block may only wait for a file another branch is known to add."""
    for block in BLOCKS:
        path = block.unmet()
        assert path is None or path in PENDING, (
            f'{block.id}: requires {path}, which does not exist and is not '
            'in PENDING')


@pytest.mark.parametrize('block', [pytest.param(b, id=b.id) for b in PYTHON])
def test_python_blocks_are_79_columns(block):
    """Snippets follow the house style (the code users copy)."""
    for offset, line in enumerate(block.code.splitlines(), start=1):
        assert len(line) <= 79, (
            f'{block.page.name}:{block.line + offset}: {len(line)} columns')


def test_markers_are_used_on_python_or_bash():
    for block in BLOCKS:
        if block.marker:
            assert block.lang in ('python', 'py', 'bash', 'sh'), (
                f'{block.id}: docs-test marker on a {block.lang!r} block')
            if block.option('config') is not None:
                assert block.lang in ('python', 'py'), block.id


@pytest.mark.parametrize('page', PAGES, ids=lambda p: p.name)
def test_links_resolve(page):
    for target in LINK.findall(page.read_text()):
        if re.match(r'[a-z]+:', target):
            continue  # external
        name, _, anchor = target.partition('#')
        path = (page.parent / name).resolve() if name else page
        if not path.exists():
            assert path.name in PENDING_PAGES and path.parent == DOCS_DIR, (
                f'{page.name}: broken link {target}')
            continue
        if anchor and path.suffix == '.md':
            assert anchor in heading_anchors(path), (
                f'{page.name}: link {target}: no heading with that anchor '
                f'in {path.name}')


@pytest.mark.parametrize('block', _ready(SCRIPTS))
def test_python_snippet(block, in_workspace):
    code = compile(block.code, f'{block.page}:{block.line}', 'exec')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        exec(code, {'__name__': '__docs__'})


def _no_pretrained(node):
    """Set every ``pretrained`` to None and drop Pretrained init_cfgs."""
    if isinstance(node, dict):
        for key in list(node):
            if key == 'pretrained':
                node[key] = None
            elif key == 'init_cfg' and isinstance(
                    node[key], dict) and node[key].get('type') == 'Pretrained':
                node[key] = None
            else:
                _no_pretrained(node[key])
    elif isinstance(node, (list, tuple)):
        for item in node:
            _no_pretrained(item)


@pytest.mark.parametrize('block', _ready(CONFIGS))
def test_config_snippet(block, in_workspace):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import mmtin  # noqa: F401
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample

    cfg = Config.fromfile(block.option('config'))
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model_cfg = cfg.model.to_dict()
    _no_pretrained(model_cfg)
    torch.manual_seed(0)
    model = MODELS.build(model_cfg)
    model.init_weights()
    shape = block.option('input')
    if shape:
        shape = tuple(int(s) for s in shape.split('x'))
        model.eval()
        samples = [ActionDataSample() for _ in range(shape[0])]
        with torch.no_grad():
            inputs = torch.rand(*shape) * 255
            data = model.data_preprocessor(
                dict(inputs=list(inputs), data_samples=samples))
            preds = model(**data, mode='predict')
        num_classes = model.cls_head.num_classes
        assert len(preds) == shape[0]
        for pred in preds:
            assert pred.pred_score.shape == (num_classes, )
            assert torch.isfinite(pred.pred_score).all()


# ---------------------------------------------------------------- shell


class _Parsed(Exception):
    pass


def _load_script(path):
    name = 'mmtin_docs_' + re.sub(r'\W', '_', str(path))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SCRIPTS = {}


def check_arguments(script, args, monkeypatch):
    """Run ``script``'s main until its argument parser has parsed
    ``args``; fail with argparse's message if it rejects them."""
    if script not in _SCRIPTS:
        _SCRIPTS[script] = _load_script(REPO_ROOT / script)
    module = _SCRIPTS[script]
    if not hasattr(module, 'main'):
        return  # a script without main(): existence is all we check
    original = argparse.ArgumentParser.parse_args

    def parse_and_stop(self, args=None, namespace=None):
        original(self, args, namespace)
        raise _Parsed

    err = io.StringIO()
    with monkeypatch.context() as patch:
        patch.setattr(argparse.ArgumentParser, 'parse_args', parse_and_stop)
        patch.setattr(sys, 'argv', [script] + list(args))
        try:
            with contextlib.redirect_stderr(err), \
                    contextlib.redirect_stdout(io.StringIO()):
                module.main()
        except _Parsed:
            return
        except SystemExit as exc:
            raise AssertionError(
                f'{script} rejects {args}: {err.getvalue()[-800:]}') from exc
    raise AssertionError(f'{script}: main() returned without parsing '
                         'arguments')


def _config_paths(argv):
    return [w for w in argv if re.match(r'^configs/[\w./-]+\.py$', w)]


@pytest.mark.parametrize('block', _ready(SHELL))
def test_bash_snippet(block, in_workspace, monkeypatch):
    for argv in shell_commands(block.code):
        where = f'{block.id}: {" ".join(argv)}'
        for path in _config_paths(argv):
            assert (in_workspace / path).is_file(), f'{where}: no {path}'
        prog = argv[0]
        if prog in ('python', 'python3') and len(argv) > 1 and \
                argv[1].endswith('.py'):
            script = argv[1]
            assert (in_workspace / script).is_file(), f'{where}: no {script}'
            if script.startswith(SCRIPT_DIRS):
                check_arguments(script, argv[2:], monkeypatch)
        elif prog in ('bash', 'sh') and len(argv) > 1:
            assert (REPO_ROOT / argv[1]).is_file(), f'{where}: no {argv[1]}'
        elif prog == 'mim' and len(argv) > 3 and argv[1] in (
                'train', 'test') and argv[2] == 'mmtin':
            assert (REPO_ROOT / 'configs' / argv[3]).is_file(), (
                f'{where}: no configs/{argv[3]}')
        else:
            for word in argv[1:]:
                if word.startswith(SCRIPT_DIRS) and word.endswith(
                        ('.py', '.sh')):
                    assert (in_workspace / word).is_file(), (
                        f'{where}: no {word}')


# ------------------------------------------------- the checker's own tests


def test_shell_parser_and_argument_check(monkeypatch):
    """The bash checker splits commands as a shell would and really
    rejects an option a script does not have."""
    code = ('FOO=1 python tools/train.py configs/{a,b}.py --seed 0 \\\n'
            '    --deterministic | tee log.txt  # comment\n'
            'cd x && bash tools/run_demo.sh; echo "a # b"\n')
    assert shell_commands(code) == [
        ['python', 'tools/train.py', 'configs/a.py', 'configs/b.py',
         '--seed', '0', '--deterministic'],
        ['tee', 'log.txt'],
        ['cd', 'x'],
        ['bash', 'tools/run_demo.sh'],
        ['echo', 'a # b'],
    ]
    check_arguments('tools/check_dataset.py', ['c.py', '--split', 'val'],
                    monkeypatch)
    with pytest.raises(AssertionError, match='no-such-option'):
        check_arguments('tools/check_dataset.py',
                        ['c.py', '--no-such-option'], monkeypatch)
    with pytest.raises(AssertionError, match='invalid choice'):
        check_arguments('tools/check_dataset.py', ['c.py', '--split', 'x'],
                        monkeypatch)


def test_page_parser_reads_markers(tmp_path):
    page = tmp_path / 'page.md'
    page.write_text(
        '# T\n\n<!-- docs-test: config configs/x.py input=1x2x3 -->\n'
        '```python\nmodel = dict()\n```\n\n~~~bash\nls\n~~~\n'
        '<!-- docs-test: requires nowhere/at_all.py -->\n```text\nx\n```\n')
    first, second, third = parse_page(page)
    assert (first.lang, first.option('config'), first.option('input')) == (
        'python', 'configs/x.py', '1x2x3')
    assert first.code == 'model = dict()\n' and first.line == 4
    assert second.lang == 'bash' and second.marker == ''
    assert third.unmet() == 'nowhere/at_all.py'
    assert 'page' not in heading_anchors(page) and 't' in heading_anchors(page)
