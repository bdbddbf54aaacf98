# Copyright (c) OpenMMLab. All rights reserved.
"""``tools/deployment/export_onnx.py`` end to end on tiny configs: random
init (``none``) and a checkpoint, ``--verify`` with ``--dynamic-batch``,
and errors that name the bad argument."""
import numpy as np
import pytest
import torch
from export_tiny_configs import write_config
from script_loader import load_script

import mmtin  # noqa: F401
from mmtin.apis import build_recognizer, scores_of
from mmtin.deployment import ort_session


@pytest.fixture(scope='module')
def tool():
    return load_script('tools/deployment/export_onnx.py')


def test_export_verify_dynamic_batch(tool, tmp_path, capsys):
    config = write_config(tmp_path, 'tin')
    out = tmp_path / 'tin.onnx'
    assert tool.main([config, 'none', str(out), '--verify',
                      '--dynamic-batch', '--deploy']) == 0
    text = capsys.readouterr().out
    assert '(opset 17, input [1, 2, 3, 32, 32], dynamic batch' in text
    for batch in (1, 3):
        line = next(ln for ln in text.splitlines()
                    if ln.startswith(f'verify (batch {batch})'))
        assert line.endswith(': ok')
        assert float(line.split('= ')[1].split()[0]) < 1e-4
    assert out.stat().st_size > 1e6  # the weights are in the file


def test_checkpoint_weights_are_exported(tool, tmp_path):
    """A checkpoint's weights (not the random init) reach the graph: the
    ONNX scores equal the checkpointed model's, and differ from a fresh
    random model's."""
    config = write_config(tmp_path, 'stream')
    model = build_recognizer(config)
    torch.manual_seed(5)
    for p in model.parameters():
        p.data.normal_(0, 0.3)
    ckpt = tmp_path / 'model.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    out = tmp_path / 'stream.onnx'
    assert tool.main([config, str(ckpt), str(out), '--num-segments', '4',
                      '--shape', '1', '3', '4', '32', '32', '--verify']) == 0
    sess = ort_session(str(out))
    names = [i.name for i in sess.get_inputs()]
    clip = torch.randn(1, 3, 4, 32, 32)
    zeros = [np.zeros([d for d in i.shape], dtype=np.int64 if 'count' in
                      i.name else np.float32) for i in sess.get_inputs()[1:]]
    got = sess.run(None, dict(zip(names, [clip.numpy()] + zeros)))[0]
    want = scores_of(model.eval(), clip[:, None]).numpy()  # whole clip
    np.testing.assert_allclose(got, want, atol=1e-5, rtol=0)
    assert np.abs(got - want).max() < np.abs(got - 1 / 7).max()


def test_bad_arguments_are_named(tool, tmp_path):
    config = write_config(tmp_path, 'tin')
    out = str(tmp_path / 'x.onnx')
    with pytest.raises(ValueError, match=r'--shape \[1, 2, 32, 32\]: '
                       'Recognizer2D takes a 5-d input'):
        tool.main([config, 'none', out, '--shape', '1', '2', '32', '32'])
    with pytest.raises(ValueError, match=r'--shape \[1, 3, 3, 32, 32\] '
                       'does not fit the model'):
        tool.main([config, 'none', out, '--shape', '1', '3', '3', '32',
                   '32'])
    with pytest.raises(FileNotFoundError, match='no_such.pth'):
        tool.main([config, str(tmp_path / 'no_such.pth'), out])
    with pytest.raises(FileNotFoundError, match='no_such.py'):
        tool.main([str(tmp_path / 'no_such.py'), 'none', out])
    with pytest.raises(SystemExit):
        tool.main([config, 'none', out, '--opset', '13'])


@pytest.mark.parametrize('hidden', ['onnx', 'onnxscript', 'onnxruntime'])
def test_missing_onnx_packages_name_the_deploy_extra(tool, tmp_path,
                                                     monkeypatch, hidden):
    """Without onnx/onnxscript/onnxruntime the export failed deep inside
    torch.onnx with no hint; the error now names the package and the
    ``deploy`` extra."""
    import sys
    config = write_config(tmp_path, 'tin')
    monkeypatch.setitem(sys.modules, hidden, None)  # as if not installed
    args = [config, 'none', str(tmp_path / 'x.onnx')]
    if hidden == 'onnxruntime':
        args.append('--verify')
    with pytest.raises(ImportError) as info:
        tool.main(args)
    message = str(info.value)
    assert hidden in message and 'pip install "mmtin[deploy]"' in message


def test_deploy_extra_holds_the_onnx_packages(repo_root):
    import tomllib
    with open(repo_root / 'pyproject.toml', 'rb') as f:
        extras = tomllib.load(f)['project']['optional-dependencies']
    names = {d.split('>')[0].split('=')[0] for d in extras['deploy']}
    assert names == {'onnx', 'onnxruntime', 'onnxscript'}
    assert 'mmtin[deploy]' in extras['tests']
