# Copyright (c) OpenMMLab. All rights reserved.
"""``python -m mmtin.datasets.synthetic NAME OUT_DIR``: every generator
from the installed package (run outside the checkout), and the
``tools/data`` scripts forward to it."""
import json
import subprocess
import sys

import pytest
from script_loader import load_script

from mmtin.datasets.synthetic.cli import GENERATORS, build_parser

TOOLS = {
    'temporal_order': 'tools/data/generate_demo_dataset.py',
    'moving_object': 'tools/data/generate_moving_object_dataset.py',
    'small_object': 'tools/data/generate_small_object_dataset.py',
    'audio_visual': 'tools/data/generate_audio_visual_dataset.py',
    'motion_type': 'tools/data/generate_motion_type_dataset.py',
}


def test_every_generator_has_a_command_and_a_tool():
    assert set(GENERATORS) == set(TOOLS)
    for name in GENERATORS:
        args = build_parser().parse_args([name, 'out'])
        assert (args.name, args.out_dir) == (name, 'out')


@pytest.mark.slow
def test_python_m_runs_outside_the_checkout(tmp_path):
    out = tmp_path / 'demo'
    proc = subprocess.run(
        [sys.executable, '-m', 'mmtin.datasets.synthetic', 'temporal_order',
         str(out), '--num-videos', '20', '--frames', '4', '--size', '32'],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'wrote 20 videos' in proc.stdout
    assert (out / 'meta.json').is_file()


def test_unknown_generator_is_named(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(['no_such_set', 'out'])
    assert "invalid choice: 'no_such_set'" in capsys.readouterr().err


@pytest.mark.parametrize('name', sorted(TOOLS))
def test_tools_forward_to_the_command(name, monkeypatch):
    seen = []
    tool = load_script(TOOLS[name])
    monkeypatch.setattr(tool, '_generate', seen.append)
    tool.main(['out', '--seed', '2'])
    assert seen == [[name, 'out', '--seed', '2']]


def test_variant_and_axis_options_reach_meta_json(tmp_path):
    from mmtin.datasets.synthetic.cli import main
    out = tmp_path / 'mo'
    main(['moving_object', str(out), '--num-videos', '16', '--variant',
          'orbit_disc', '--speed', '0.75'])
    meta = json.loads((out / 'meta.json').read_text())
    assert meta['variant'] == 'orbit_disc'
    # the variant's axes, with the explicit option overriding its speed
    assert meta['variant_axes'] == dict(path='orbit', speed=0.75,
                                        appearance='disc')


def test_unknown_variant_is_refused(capsys):
    from mmtin.datasets.synthetic.cli import main
    with pytest.raises(SystemExit):
        main(['small_object', 'unused', '--variant', 'no_such'])
    err = capsys.readouterr().err
    assert "--variant: invalid choice: 'no_such'" in err
    assert 'glyphs_border' in err  # the choices are listed
