# Copyright (c) OpenMMLab. All rights reserved.
"""Build the mmtin wheel and use it from a fresh virtualenv, as a user would.

Usage::

    python tools/misc/check_wheel.py [--workdir /tmp/mmtin_wheel_check]
        [--wheel dist/mmtin-*.whl] [--keep]

Steps (each prints PASS/FAIL; the exit status is the number of failures):

1. ``pip wheel --no-deps .`` from a clean copy of the checkout (the build
   backend is fetched by pip's build isolation: needs the package index,
   unless ``--wheel`` gives a ready wheel);
2. ``python -m venv --system-site-packages`` (torch & co. come from the
   system), ``pip install 'setuptools>=77.0.3,<82'`` (what mmtin's
   ``setuptools<82`` and torch's ``setuptools>=77.0.3`` resolve to) and
   ``pip install --no-deps`` the wheel; ``mmtin.__file__`` must be the
   venv's copy (not a checkout or an editable install);
3. ``mmtin/.mim`` holds real configs, tools and ``model-index.yml``;
4. ``_base_ = 'mmtin::tin_r50_8x_sthv1.py'`` resolves and its model builds;
5. ``mim search mmtin`` lists every model of the index;
6. the wheel's ``tools/data/generate_demo_dataset.py`` writes a tiny set;
   ``mim train mmtin tin_r18_demo.py`` (1 epoch) and ``mim test mmtin
   tin_r18_demo.py --checkpoint ...`` run on it;
7. MMAction2's own ``tools/train.py`` trains the wheel's ``tin_r18_demo.py``
   (and its ``mmaction::`` default runtime) for 1 epoch.

Everything runs outside the checkout with ``PYTHONPATH`` unset. Takes a few
minutes of CPU: run it under ``flock /tmp/mmtin-heavy.lock`` on a shared
machine.
"""
import argparse
import glob
import os
import os.path as osp
import shutil
import subprocess
import sys
import textwrap

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ROOT_ONLY = {'.git', 'build', 'dist', 'work_dirs', 'data', '.pytest_cache'}
ANYWHERE = shutil.ignore_patterns('__pycache__', '*.pyc', '*.egg-info')


def copy_ignore(folder, names):
    """What not to copy: outputs at the top of the checkout (``data/``,
    ``work_dirs/``, ...; ``tools/data`` is kept) and caches anywhere."""
    ignored = set(ANYWHERE(folder, names))
    if osp.samefile(folder, REPO_ROOT):
        ignored |= ROOT_ONLY & set(names)
    return ignored


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--workdir', default='/tmp/mmtin_wheel_check')
    parser.add_argument('--wheel', help='use this wheel instead of building')
    parser.add_argument('--keep', action='store_true',
                        help='keep the previous workdir (venv) if present')
    return parser.parse_args()


class Checker:

    def __init__(self, workdir):
        self.workdir = workdir
        self.venv = osp.join(workdir, 'venv')
        self.python = osp.join(self.venv, 'bin', 'python')
        self.results = []
        self.env = {
            k: v
            for k, v in os.environ.items() if k not in ('PYTHONPATH', )
        }
        self.env.update(OMP_NUM_THREADS='1', CUDA_VISIBLE_DEVICES='',
                        PIP_DISABLE_PIP_VERSION_CHECK='1')

    def run(self, cmd, cwd=None, timeout=900):
        proc = subprocess.run(cmd, cwd=cwd or self.workdir, env=self.env,
                              capture_output=True, text=True,
                              errors='replace', timeout=timeout)
        return proc.returncode, proc.stdout + proc.stderr

    def check(self, name, ok, detail=''):
        self.results.append((name, bool(ok)))
        print(f'[{"PASS" if ok else "FAIL"}] {name}', flush=True)
        if not ok and detail:
            print(textwrap.indent(detail[-4000:], '    '), flush=True)
        return ok

    def step(self, name, cmd, expect=(), cwd=None):
        rc, out = self.run(cmd, cwd=cwd)
        ok = rc == 0 and all(e in out for e in expect)
        self.check(name, ok, f'$ {" ".join(cmd)}\n(rc={rc})\n{out}')
        return out

    def py(self, name, code, expect=()):
        return self.step(name, [self.python, '-c', textwrap.dedent(code)],
                         expect)


def build_wheel(c, dist):
    src = osp.join(c.workdir, 'src')
    for stale in (src, dist):
        if osp.isdir(stale):
            shutil.rmtree(stale)
    shutil.copytree(REPO_ROOT, src, symlinks=True, ignore=copy_ignore)
    c.step('build the wheel (pip wheel --no-deps)', [
        sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-w', dist, src
    ])
    wheels = glob.glob(osp.join(dist, 'mmtin-*.whl'))
    return wheels[0] if wheels else None


def demo_options(data):
    opts = ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1']
    for split, loader in (('train', 'train_dataloader'),
                          ('val', 'val_dataloader'),
                          ('test', 'test_dataloader')):
        opts += [
            f'{loader}.dataset.ann_file={data}/{split}.txt',
            f'{loader}.dataset.data_prefix.video={data}',
            f'{loader}.num_workers=0', f'{loader}.persistent_workers=False',
            f'{loader}.batch_size=4'
        ]
    return opts


def main():
    args = parse_args()
    c = Checker(args.workdir)
    if osp.isdir(args.workdir) and not args.keep:
        shutil.rmtree(args.workdir)
    os.makedirs(args.workdir, exist_ok=True)
    dist = osp.join(args.workdir, 'dist')
    wheel = args.wheel or build_wheel(c, dist)
    if not wheel:
        return len(c.results)
    print(f'wheel: {wheel}')
    if not osp.isdir(c.venv):
        c.step('python -m venv --system-site-packages',
               [sys.executable, '-m', 'venv', '--system-site-packages',
                c.venv])
    c.step('pip install setuptools>=77.0.3,<82 into the venv', [
        c.python, '-m', 'pip', 'install', '-q', 'setuptools>=77.0.3,<82'
    ])
    c.step('pip install --no-deps the wheel', [
        c.python, '-m', 'pip', 'install', '--no-deps', '--force-reinstall',
        wheel
    ])
    site = c.run([
        c.python, '-c', 'import sysconfig; print(sysconfig.get_paths()'
        '["purelib"])'
    ])[1].strip()
    c.py('mmtin.__file__ is the venv copy', f'''
        import mmtin, os.path as osp
        print(mmtin.__file__)
        assert mmtin.__file__.startswith({site!r}), mmtin.__file__
    ''')
    mim_dir = osp.join(site, 'mmtin', '.mim')
    ok = all(
        osp.isfile(osp.join(mim_dir, p)) and not osp.islink(
            osp.join(mim_dir, p))
        for p in ('model-index.yml', 'configs/tin_r50_8x_sthv1.py',
                  'configs/demo/tin_r18_demo.py',
                  'configs/metafiles/tin.yml', 'tools/train.py',
                  'tools/test.py', 'tools/data/generate_demo_dataset.py'))
    c.check('mmtin/.mim ships configs, tools, model-index.yml (files)', ok)

    user_cfg = osp.join(c.workdir, 'user_cfg.py')
    with open(user_cfg, 'w') as f:
        f.write("_base_ = 'mmtin::tin_r50_8x_sthv1.py'\n"
                "model = dict(backbone=dict(pretrained=None))\n")
    c.py("_base_ = 'mmtin::tin_r50_8x_sthv1.py' resolves and builds", f'''
        from mmtin.apis import build_recognizer
        model = build_recognizer({user_cfg!r})
        print('built', type(model.backbone).__name__)
    ''', expect=('built TINResNet', ))

    out = c.step('mim search mmtin lists the models',
                 [c.python, '-m', 'mim', 'search', 'mmtin'],
                 expect=('tin_r50_8x_sthv1', 'tdn_r50_8x_sthv1',
                         'movinet_a0_base_k600', 'resnet3d_rs50_k400'))
    data = osp.join(c.workdir, 'demo_data')
    c.step('wheel tools/data/generate_demo_dataset.py', [
        c.python,
        osp.join(mim_dir, 'tools', 'data', 'generate_demo_dataset.py'), data,
        '--num-videos', '16', '--frames', '16', '--size', '32'
    ])
    c.step('python -m mmtin.datasets.synthetic (from the wheel)', [
        c.python, '-m', 'mmtin.datasets.synthetic', 'temporal_order',
        osp.join(c.workdir, 'demo_data_m'), '--num-videos', '20', '--frames',
        '4', '--size', '32'
    ], expect=('wrote 20 videos', ))
    work = osp.join(c.workdir, 'mim_work')
    c.step('mim train mmtin tin_r18_demo.py (1 epoch)', [
        c.python, '-m', 'mim', 'train', 'mmtin', 'tin_r18_demo.py',
        '--gpus', '0', '--work-dir', work, '--cfg-options',
        *demo_options(data)
    ], expect=('Epoch(train) [1]', ))
    ckpt = osp.join(work, 'epoch_1.pth')
    c.step('mim test mmtin tin_r18_demo.py --checkpoint epoch_1.pth', [
        c.python, '-m', 'mim', 'test', 'mmtin', 'tin_r18_demo.py',
        '--gpus', '0', '--checkpoint', ckpt, '--work-dir', work + '_test',
        '--cfg-options', *demo_options(data)
    ], expect=('acc/top1', ))
    rc, mmaction_root = c.run([
        c.python, '-c', 'import importlib.util, os.path as osp; print(osp.'
        'dirname(importlib.util.find_spec("mmaction").origin))'
    ])
    stock_train = osp.join(mmaction_root.strip(), '.mim', 'tools',
                           'train.py')
    c.step("MMAction2's own tools/train.py on the wheel's tin_r18_demo.py", [
        c.python, stock_train,
        osp.join(mim_dir, 'configs', 'demo', 'tin_r18_demo.py'),
        '--work-dir',
        osp.join(c.workdir, 'stock_work'), '--cfg-options',
        *demo_options(data)
    ], expect=('Epoch(train) [1]', ))
    del out
    failed = [name for name, ok in c.results if not ok]
    print(f'\n{len(c.results) - len(failed)}/{len(c.results)} checks '
          f'passed' + (f'; failed: {failed}' if failed else ''))
    return len(failed)


if __name__ == '__main__':
    sys.exit(main())
