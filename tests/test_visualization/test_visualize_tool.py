# Copyright (c) OpenMMLab. All rights reserved.
"""``tools/visualize.py KIND CONFIG none VIDEO --out OUT``: every picture
is written, of the expected pixel size, and not blank; wrong kinds,
families and options are named. Random weights, the demo configs (32x32
or 96x96 frames) and the generated videos of ``tests/media.py``."""
import numpy as np
import pytest
from PIL import Image

from script_loader import load_script


@pytest.fixture(scope='module')
def tool():
    return load_script('tools/visualize.py')


def _check_png(path, size):
    img = Image.open(path)
    assert img.size == size, path
    pixels = np.asarray(img.convert('RGB'), dtype=np.float32)
    _check_pixels(pixels)


def _check_pixels(pixels):
    assert pixels.std() > 20  # not blank
    colours = np.unique(pixels.reshape(-1, 3).astype(np.uint8), axis=0)
    assert len(colours) > 50  # drawn frames, not a flat chart


def _gif_frames(path):
    img = Image.open(path)
    frames = []
    for i in range(img.n_frames):
        img.seek(i)
        frames.append(np.asarray(img.convert('RGB'), dtype=np.float32))
    return img.size, frames


def _mp4_frames(path):
    import av
    with av.open(str(path)) as c:
        return [f.to_ndarray(format='rgb24') for f in c.decode(video=0)]


def test_top5_gif_and_summary(tool, video_dir, shared_dir, tmp_path, capsys):
    out = tmp_path / 'top5.gif'
    written = tool.main([
        'top5', 'configs/demo/tin_r18_demo.py', 'none',
        str(video_dir / 'test.webm'), '--out', str(out), '--stride', '2',
        '--labels', str(shared_dir / 'data' / 'label_map_k400.txt')
    ])
    assert written == dict(animation=str(out),
                           summary=str(tmp_path / 'top5.png'))
    assert 'summary: ' in capsys.readouterr().out
    size, frames = _gif_frames(out)
    # 12 frames, windows of 8 every 2: starts 0, 2, 4
    assert size == (640, 320) and len(frames) == 3
    _check_pixels(frames[0])
    _check_png(tmp_path / 'top5.png', (800, 400))


def test_top5_mp4(tool, video_dir, tmp_path):
    out = tmp_path / 'top5.mp4'
    tool.main(['top5', 'configs/demo/tsn_r18_demo.py', 'none',
               str(video_dir / 'audio.mp4'), '--out', str(out), '--window',
               '10', '--stride', '10', '--fps', '2'])
    frames = _mp4_frames(out)  # 20 frames, windows of 10 every 10
    assert len(frames) == 2 and frames[0].shape == (320, 640, 3)
    _check_pixels(frames[-1].astype(np.float32))


def test_adafocus_patches(tool, video_dir, tmp_path):
    out = tmp_path / 'ada.gif'
    written = tool.main([
        'adafocus', 'configs/adafocus/adafocus_v2_demo_stage2_joint.py',
        'none', str(video_dir / 'test.avi'), '--out', str(out)
    ])
    size, frames = _gif_frames(written['animation'])
    assert size == (320, 360) and len(frames) == 4  # num_segments
    _check_png(written['grid'], (880, 260))
    # the red box is drawn in every frame
    for frame in frames:
        red = (frame[..., 0] > 200) & (frame[..., 1] < 60) & \
            (frame[..., 2] < 60)
        assert red.sum() > 100


def test_adamml_timeline(tool, video_dir, tmp_path):
    out = tmp_path / 'adamml.png'
    tool.main(['adamml', 'configs/adamml/adamml_demo_all_modalities.py',
               'none', str(video_dir / 'audio.mp4'), '--out', str(out)])
    _check_png(out, (640, 390))
    # keep_all: every cell of the 3 x 4 timeline is filled
    pixels = np.asarray(Image.open(out).convert('RGB'))
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 60)
    assert red.sum() > 4 * 1000


def test_lsts_sampling(tool, video_dir, tmp_path):
    out = tmp_path / 'lsts.png'
    tool.main(['lsts', 'configs/lsts/lsts_propagation_r18_demo.py', 'none',
               str(video_dir / 'test.avi'), '--out', str(out),
               '--position', '0', '1'])
    _check_png(out, (760, 420))


def test_lsts_locations_are_p_plus_offsets():
    import torch
    from mmtin.apis import build_recognizer
    from mmtin.visualization.lsts_sampling import sampling_locations
    model = build_recognizer('configs/lsts/lsts_propagation_r18_demo.py')
    with torch.no_grad():
        model.align.offsets.mul_(0.5)
    inputs = torch.rand(1, 8, 3, 32, 32) * 2 - 1
    found = sampling_locations(model, inputs, position=(1, 0))
    expect = model.align.offsets.detach().numpy() + np.array([1, 0])
    assert np.allclose(found['locations'], expect)
    assert found['weights'].shape == (9, )
    assert np.isclose(found['weights'].sum(), 1, atol=1e-5)
    # keys 2 and 6 (middle of 4): frame 0 is the first other frame
    assert (found['current'], found['reference']) == (0, 2)
    with pytest.raises(ValueError, match='outside'):
        sampling_locations(model, inputs, position=(5, 0))


def test_tin_offsets(tool, video_dir, tmp_path):
    out = tmp_path / 'tin.png'
    tool.main(['tin', 'configs/demo/tin_r18_demo.py', 'none',
               str(video_dir / 'test.avi'), '--out', str(out)])
    _check_png(out, (900, 400))


def test_tin_outputs_are_the_layers_offsets():
    import torch
    from mmtin.apis import build_recognizer
    from mmtin.visualization.tin_offsets import interlace_outputs
    model = build_recognizer('configs/demo/tin_r18_demo.py')
    inputs = torch.rand(1, 8, 3, 32, 32)
    layers = interlace_outputs(model, inputs)
    assert len(layers) == 8  # one per BasicBlock of ResNet-18
    first = [m for m in model.modules()
             if type(m).__name__ == 'TemporalInterlace'][0]
    x = model.backbone.conv1(inputs[0])
    x = model.backbone.maxpool(x)
    pooled = x[:, :first.num_folds].mean(3).mean(2).t()[None]  # [1, F, T]
    assert np.allclose(layers[0]['offsets'],
                       first.offset_net(pooled)[0].detach().numpy(),
                       atol=1e-5)
    assert layers[0]['weights'].shape == (8, 2)


@pytest.mark.parametrize('argv, error, match', [
    (['flow', 'configs/demo/tin_r18_demo.py'], ValueError, 'KIND'),
    (['adafocus', 'configs/demo/tin_r18_demo.py'], ValueError,
     'adafocus: needs a model with AdaFocusRecognizer.*Recognizer2D'),
    (['adamml', 'configs/demo/tin_r18_demo.py'], ValueError,
     'AdaMMLRecognizer'),
    (['lsts', 'configs/demo/tsn_r18_demo.py'], ValueError, 'LSTSAlign'),
    (['tin', 'configs/demo/tsn_r18_demo.py'], ValueError,
     'TemporalInterlace'),
    (['tin', 'configs/demo/tin_r18_demo.py', '--window', '4'], ValueError,
     'tin takes no --window'),
])
def test_errors_name_the_problem(tool, video_dir, tmp_path, argv, error,
                                 match):
    kind, config, *rest = argv
    out = tmp_path / ('x.gif' if kind in ('top5', 'adafocus') else 'x.png')
    with pytest.raises(error, match=match):
        tool.main([kind, config, 'none', str(video_dir / 'test.avi'),
                   '--out', str(out), *rest])
    assert not out.exists()


def test_out_suffix_is_checked(tool, video_dir, tmp_path):
    with pytest.raises(ValueError, match=r"tin: --out must end with .*png"):
        tool.main(['tin', 'configs/demo/tin_r18_demo.py', 'none',
                   str(video_dir / 'test.avi'), '--out',
                   str(tmp_path / 'x.gif')])
    with pytest.raises(ValueError, match=r'top5: --out .*\.gif'):
        tool.main(['top5', 'configs/demo/tin_r18_demo.py', 'none',
                   str(video_dir / 'test.avi'), '--out',
                   str(tmp_path / 'x.png')])
