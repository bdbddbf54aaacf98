# Copyright (c) OpenMMLab. All rights reserved.
import pytest
import torch

from mmtin.ops import patch_crop


def _naive_bilinear(img, x, y):
    """Bilinear read of a [C, H, W] image at index position (x, y), zeros
    outside: a plain loop over the four neighbours."""
    c, h, w = img.shape
    x0, y0 = int(torch.floor(torch.tensor(x))), int(torch.floor(
        torch.tensor(y)))
    out = torch.zeros(c, dtype=img.dtype)
    for yy, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
        for xx, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
            if 0 <= yy < h and 0 <= xx < w:
                out += wy * wx * img[:, yy, xx]
    return out


def test_equals_slicing_at_integer_corners():
    torch.manual_seed(0)
    img = torch.randn(3, 2, 20, 24)
    corners = [(0, 0), (7, 3), (24 - 6, 20 - 6)]  # (x0, y0)
    p = 6
    centers = torch.tensor([[x + p / 2, y + p / 2] for x, y in corners])
    out = patch_crop(img, centers, p)
    assert out.shape == (3, 2, 6, 6)
    for i, (x, y) in enumerate(corners):
        torch.testing.assert_close(out[i], img[i, :, y:y + p, x:x + p])
    # odd patch: half-integer centres give integer corners
    out = patch_crop(img, torch.tensor([[5.5, 4.5]] * 3), (5, 3))
    torch.testing.assert_close(out[1], img[1, :, 2:7, 4:7])


def test_matches_naive_bilinear_at_fractional_centres():
    torch.manual_seed(1)
    img = torch.randn(2, 3, 9, 11, dtype=torch.float64)
    centers = torch.tensor([[4.3, 3.7], [6.85, 5.2]], dtype=torch.float64)
    out = patch_crop(img, centers, (3, 4))
    for n in range(2):
        for i in range(3):
            for j in range(4):
                x = centers[n, 0].item() - 2 + j
                y = centers[n, 1].item() - 1.5 + i
                torch.testing.assert_close(
                    out[n, :, i, j], _naive_bilinear(img[n], x, y))


def test_gradcheck_image_and_centres():
    torch.manual_seed(2)
    img = torch.randn(2, 2, 8, 9, dtype=torch.float64, requires_grad=True)
    # fractional positions away from pixel boundaries (bilinear kinks)
    centers = torch.tensor([[4.3, 3.6], [5.2, 4.45]],
                           dtype=torch.float64, requires_grad=True)
    for padding in ('clamp', 'zeros'):
        assert torch.autograd.gradcheck(
            lambda a, c: patch_crop(a, c, 4, padding=padding),
            (img, centers), eps=1e-6, atol=1e-6)


def test_clamp_border_keeps_patch_inside():
    torch.manual_seed(3)
    img = torch.randn(2, 1, 10, 12)
    p = 4
    out = patch_crop(img, torch.tensor([[-5., -3.], [40., 30.]]), p)
    torch.testing.assert_close(out[0], img[0, :, 0:p, 0:p])
    torch.testing.assert_close(out[1], img[1, :, 10 - p:, 12 - p:])
    # no gradient reaches a clamped coordinate
    c = torch.tensor([[-5., 5.], [6., 30.]], requires_grad=True)
    patch_crop(img, c, p).sum().backward()
    assert c.grad[0, 0] == 0 and c.grad[1, 1] == 0


def test_zero_padding_border():
    img = torch.ones(1, 1, 6, 6)
    # corner at (-2, -1): the first two columns and first row read outside
    out = patch_crop(img, torch.tensor([[0., 1.]]), 4, padding='zeros')
    expected = torch.zeros(4, 4)
    expected[1:, 2:] = 1
    torch.testing.assert_close(out[0, 0], expected)


@pytest.mark.parametrize('kwargs, match', [
    (dict(images=torch.zeros(2, 3, 8)), 'images'),
    (dict(images=torch.zeros(2, 3, 8, 8, dtype=torch.long)), 'floating'),
    (dict(centers=torch.zeros(3, 2)), 'centers'),
    (dict(centers=torch.zeros(2, 3)), 'centers'),
    (dict(patch_size=9), 'larger'),
    (dict(patch_size=0), 'patch_size'),
    (dict(padding='reflect'), 'padding'),
])
def test_bad_inputs(kwargs, match):
    args = dict(images=torch.zeros(2, 3, 8, 8), centers=torch.zeros(2, 2),
                patch_size=4)
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        patch_crop(**args)
