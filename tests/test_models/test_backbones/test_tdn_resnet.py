# Copyright (c) OpenMMLab. All rights reserved.
"""TDNResNet: equivalence with an independent re-implementation of the
official TDN model (module names as in MCG-NJU/TDN, conv biases, Conv1d
temporal conv, loops over time), conversion of its checkpoint, ImageNet
initialisation, Recognizer2D integration and input errors."""
import copy

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import mmtin  # noqa: F401
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from mmengine.runner import load_state_dict
from mmtin.utils.ckpt_convert.official_tdn import convert

init_default_scope('mmaction')

# ---------------------------------------------------------------------------
# Reference: the official TDN network (spec sections 2-4), written naively.
# ---------------------------------------------------------------------------


def naive_nearest(x, size):
    """Nearest upsampling: output pixel i takes input floor(i * in / out)."""
    h_in, w_in = x.shape[-2:]
    rows = [(i * h_in) // size[0] for i in range(size[0])]
    cols = [(j * w_in) // size[1] for j in range(size[1])]
    return x[..., rows, :][..., cols]


class RefMSE(nn.Module):
    """Official ``mSEModule`` (L-TDM), differences by loops over t."""

    def __init__(self, channel, n_segment, reduction=16):
        super().__init__()
        c = channel // reduction
        self.n_segment = n_segment
        self.conv1 = nn.Conv2d(channel, c, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, groups=c, bias=False)
        self.conv3 = nn.Conv2d(c, channel, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(channel)
        self.conv3_smallscale2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn3_smallscale2 = nn.BatchNorm2d(c)
        self.conv3_smallscale4 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn3_smallscale4 = nn.BatchNorm2d(c)

    def forward(self, x):
        t_len = self.n_segment
        b = self.bn1(self.conv1(x))
        bc = self.conv2(b)
        nt, c, h, w = b.shape
        b5, bc5 = b.view(-1, t_len, c, h, w), bc.view(-1, t_len, c, h, w)
        fwd = [torch.zeros_like(b5[:, 0]) for _ in range(t_len)]
        bwd = [torch.zeros_like(b5[:, 0]) for _ in range(t_len)]
        for t in range(t_len):
            if t < t_len - 1:
                fwd[t] = bc5[:, t + 1] - b5[:, t]
            if t > 0:
                bwd[t] = bc5[:, t - 1] - b5[:, t]
        atts = []
        for d in (fwd, bwd):
            d = torch.stack(d, 1).view(nt, c, h, w)
            s2 = self.bn3_smallscale2(
                self.conv3_smallscale2(F.avg_pool2d(d, 2, 2)))
            s2 = naive_nearest(s2, (h, w))
            s4 = self.bn3_smallscale4(self.conv3_smallscale4(d))
            y = self.bn3(self.conv3(d / 3 + s2 / 3 + s4 / 3))
            atts.append(torch.sigmoid(y) - 0.5)
        return x + x * (0.5 * atts[0] + 0.5 * atts[1])


class RefShift(nn.Module):
    """Official ``ShiftModule``: a grouped Conv1d over time per pixel."""

    def __init__(self, channels, n_segment):
        super().__init__()
        self.n_segment = n_segment
        self.conv = nn.Conv1d(channels, channels, 3, padding=1,
                              groups=channels, bias=False)

    def forward(self, x):
        nt, c, h, w = x.shape
        n = nt // self.n_segment
        y = x.view(n, self.n_segment, c, h, w).permute(0, 3, 4, 2, 1)
        y = self.conv(y.reshape(n * h * w, c, self.n_segment))
        y = y.view(n, h, w, c, self.n_segment).permute(0, 4, 3, 1, 2)
        return y.reshape(nt, c, h, w)


class RefBottleneck(nn.Module):
    """torchvision Bottleneck with biased convs (+ mse/shift if T given)."""

    expansion = 4

    def __init__(self, inplanes, planes, stride=1, n_segment=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU()
        self.downsample = None
        if stride != 1 or inplanes != planes * 4:
            self.downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes * 4, 1, stride),
                nn.BatchNorm2d(planes * 4))
        if n_segment is not None:
            self.mse = RefMSE(planes, n_segment)
            self.shift = RefShift(planes, n_segment)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        if hasattr(self, 'mse'):
            out = self.shift(self.mse(out))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        res = x if self.downsample is None else self.downsample(x)
        return self.relu(out + res)


class RefBasicBlock(nn.Module):
    """torchvision BasicBlock with biased convs; with T given, mse and shift
    after ``relu(bn1(conv1))`` (mmtin's placement for ResNet-18/34)."""

    expansion = 1

    def __init__(self, inplanes, planes, stride=1, n_segment=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU()
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes, 1, stride),
                nn.BatchNorm2d(planes))
        if n_segment is not None:
            self.mse = RefMSE(planes, n_segment)
            self.shift = RefShift(planes, n_segment)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        if hasattr(self, 'mse'):
            out = self.shift(self.mse(out))
        out = self.bn2(self.conv2(out))
        res = x if self.downsample is None else self.downsample(x)
        return self.relu(out + res)


def ref_layer(inplanes, planes, blocks, stride, n_segment=None,
              block=RefBottleneck):
    layers = [block(inplanes, planes, stride, n_segment)]
    layers += [
        block(planes * block.expansion, planes, 1, n_segment)
        for _ in range(blocks - 1)
    ]
    return nn.Sequential(*layers)


class RefTDNNet(nn.Module):
    """Official ``TDN_Net`` (``base_model``)."""

    def __init__(self, blocks, n_segment, block=RefBottleneck):
        super().__init__()
        e = block.expansion
        self.alpha, self.beta = (0.5, 0.5) if n_segment == 8 else (0.75,
                                                                  0.25)
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.conv1_temp = nn.Conv2d(3, 64, 7, 2, 3)  # registered, unused
        self.conv1_5 = nn.Sequential(
            nn.Conv2d(12, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64),
            nn.ReLU())
        self.maxpool_diff = nn.MaxPool2d(3, 2, 1)
        self.resnext_layer1 = ref_layer(64, 64, blocks[0], 1, None, block)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1_bak = ref_layer(64, 64, blocks[0], 1, None, block)
        self.layer2_bak = ref_layer(64 * e, 128, blocks[1], 2, n_segment,
                                    block)
        self.layer3_bak = ref_layer(128 * e, 256, blocks[2], 2, n_segment,
                                    block)
        self.layer4_bak = ref_layer(256 * e, 512, blocks[3], 2, n_segment,
                                    block)
        self.avg_diff = nn.AvgPool2d(2, 2)

    def forward(self, x):
        f = [x[:, 3 * k:3 * k + 3] for k in range(5)]
        diff = torch.cat([f[k + 1] - f[k] for k in range(4)], 1)
        d0 = self.maxpool_diff(self.conv1_5(self.avg_diff(diff)))
        d1 = self.resnext_layer1(d0)
        x = self.maxpool(self.relu(self.bn1(self.conv1(f[2]))))
        x = self.alpha * x + self.beta * naive_nearest(d0, x.shape[2:])
        x = self.layer1_bak(x)
        x = self.alpha * x + self.beta * naive_nearest(d1, x.shape[2:])
        x = self.layer4_bak(self.layer3_bak(self.layer2_bak(x)))
        return x.mean((2, 3))


class RefTSN(nn.Module):
    """Official ``TSN`` wrapper: base_model, dropout, new_fc, avg over T."""

    def __init__(self, blocks, n_segment, num_classes, block=RefBottleneck):
        super().__init__()
        self.n_segment = n_segment
        self.base_model = RefTDNNet(blocks, n_segment, block)
        self.new_fc = nn.Linear(512 * block.expansion, num_classes)

    def forward(self, x):  # (B, T*15, H, W)
        feat = self.base_model(x.view((-1, 15) + x.shape[-2:]))
        logits = self.new_fc(feat)
        return logits.view(-1, self.n_segment, logits.shape[-1]).mean(1)


def randomize_(model, seed):
    """Random weights, BN statistics, conv biases and temporal weights."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Conv1d)):
                fan_in = m.weight[0].numel()
                m.weight.copy_(
                    torch.randn(m.weight.shape, generator=g) *
                    (1.0 / fan_in)**0.5)
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.2)
            elif isinstance(m, nn.BatchNorm2d):
                n = m.num_features
                m.weight.copy_(torch.rand(n, generator=g) * 0.5 + 0.5)
                m.bias.copy_(torch.randn(n, generator=g) * 0.1)
                m.running_mean.copy_(torch.randn(n, generator=g) * 0.2)
                m.running_var.copy_(torch.rand(n, generator=g) + 0.5)
                m.num_batches_tracked.fill_(7)
            elif isinstance(m, nn.Linear):
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * 0.1)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g))


def official_checkpoint(ref):
    """State dict as saved by the official main.py (DDP ``module.``)."""
    sd = {f'module.{k}': v.clone() for k, v in ref.state_dict().items()}
    return {'epoch': 3, 'arch': 'resnet50', 'state_dict': sd,
            'best_prec1': torch.tensor(12.5)}


def build_recognizer(depth, num_segments, num_classes):
    return MODELS.build(
        dict(
            type='Recognizer2D',
            backbone=dict(type='TDNResNet', depth=depth,
                          num_segments=num_segments),
            cls_head=dict(
                type='TSMHead', num_classes=num_classes,
                in_channels=512 if depth < 50 else 2048,
                num_segments=num_segments, spatial_type='avg',
                consensus=dict(type='AvgConsensus', dim=1),
                dropout_ratio=0.5, init_std=0.001, is_shift=False,
                average_clips='prob')))


# ---------------------------------------------------------------------------
# Equivalence
# ---------------------------------------------------------------------------


@pytest.mark.parametrize('depth,blocks,num_segments,size', [
    (50, (3, 4, 6, 3), 8, 96),  # layer4 at 3x3: L-TDM pools to 1x1
    (50, (3, 4, 6, 3), 16, 64),  # fusion weights (0.75, 0.25)
    (101, (3, 4, 23, 3), 8, 64),
])
def test_equals_official_model(depth, blocks, num_segments, size):
    """Converted random official weights give the official class scores."""
    ref = RefTSN(blocks, num_segments, num_classes=11)
    randomize_(ref, seed=depth + num_segments)
    ref.eval()
    converted = convert(official_checkpoint(ref))
    assert converted['meta']['depth'] == depth
    assert converted['meta']['epoch'] == 3
    # the `module.` prefix is optional
    bare = convert({'state_dict': ref.state_dict()})['state_dict']
    assert bare.keys() == converted['state_dict'].keys()
    model = build_recognizer(depth, num_segments, 11).eval()
    load_state_dict(model, converted['state_dict'], strict=True)

    torch.manual_seed(0)
    x = torch.randn(1, num_segments * 5 * 3, size, size)
    with torch.no_grad():
        expected = ref(x)
        ours, _ = model.extract_feat(
            x.view(1, num_segments * 5, 3, size, size), stage='head',
            test_mode=True)
    assert ours.shape == expected.shape == (1, 11)
    assert expected.abs().max() > 1  # not a degenerate comparison
    scale = expected.abs().max()
    assert torch.allclose(ours, expected, rtol=0, atol=1e-5 * scale), \
        (ours - expected).abs().max()


# ---------------------------------------------------------------------------
# ImageNet initialisation from a torchvision-format ResNet state dict
# ---------------------------------------------------------------------------


def torchvision_resnet_state(blocks, seed=0, basic=False):
    """A synthetic torchvision ResNet state dict (names and shapes);
    ``basic``: BasicBlocks (ResNet-18/34)."""
    g = torch.Generator().manual_seed(seed)
    sd = {}

    def conv(name, cout, cin, k):
        sd[f'{name}.weight'] = torch.randn(cout, cin, k, k, generator=g)

    def bn(name, n):
        sd[f'{name}.weight'] = torch.rand(n, generator=g)
        sd[f'{name}.bias'] = torch.randn(n, generator=g)
        sd[f'{name}.running_mean'] = torch.randn(n, generator=g)
        sd[f'{name}.running_var'] = torch.rand(n, generator=g) + 0.1
        sd[f'{name}.num_batches_tracked'] = torch.tensor(5)

    conv('conv1', 64, 3, 7)
    bn('bn1', 64)
    inplanes, expansion = 64, 1 if basic else 4
    for i, n in enumerate(blocks):
        planes = 64 * 2**i
        for b in range(n):
            p = f'layer{i + 1}.{b}'
            if basic:
                conv(f'{p}.conv1', planes, inplanes, 3)
                bn(f'{p}.bn1', planes)
                conv(f'{p}.conv2', planes, planes, 3)
                bn(f'{p}.bn2', planes)
            else:
                conv(f'{p}.conv1', planes, inplanes, 1)
                bn(f'{p}.bn1', planes)
                conv(f'{p}.conv2', planes, planes, 3)
                bn(f'{p}.bn2', planes)
                conv(f'{p}.conv3', planes * 4, planes, 1)
                bn(f'{p}.bn3', planes * 4)
            if b == 0 and (i > 0 or not basic):
                conv(f'{p}.downsample.0', planes * expansion, inplanes, 1)
                bn(f'{p}.downsample.1', planes * expansion)
            inplanes = planes * expansion
    sd['fc.weight'] = torch.randn(1000, inplanes, generator=g)
    sd['fc.bias'] = torch.randn(1000, generator=g)
    return sd


def test_imagenet_init_from_local_file(tmp_path):
    tv = torchvision_resnet_state((3, 4, 6, 3))
    path = tmp_path / 'resnet50_tv.pth'
    torch.save(tv, path)
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=50, pretrained=str(path)))
    backbone.init_weights()
    sd = backbone.state_dict()
    # RGB stream and diff_layer1 are ImageNet copies (independent tensors)
    assert torch.equal(sd['conv1.conv.weight'], tv['conv1.weight'])
    assert torch.equal(sd['conv1.bn.running_var'], tv['bn1.running_var'])
    for prefix in ('layer1', 'diff_layer1'):
        assert torch.equal(sd[f'{prefix}.0.conv2.conv.weight'],
                           tv['layer1.0.conv2.weight'])
        assert torch.equal(sd[f'{prefix}.2.conv3.bn.bias'],
                           tv['layer1.2.bn3.bias'])
        assert torch.equal(sd[f'{prefix}.0.downsample.bn.running_mean'],
                           tv['layer1.0.downsample.1.running_mean'])
    assert torch.equal(sd['layer3.5.conv1.conv.weight'],
                       tv['layer3.5.conv1.weight'])
    assert torch.equal(sd['layer4.0.downsample.conv.weight'],
                       tv['layer4.0.downsample.0.weight'])
    assert backbone.diff_layer1[0].conv1.conv.weight.data_ptr() != \
        backbone.layer1[0].conv1.conv.weight.data_ptr()
    # diff stem: RGB mean of conv1, not divided by 4, on all 12 channels
    w = tv['conv1.weight']
    mean_rgb = (w[:, 0] + w[:, 1] + w[:, 2]) / 3
    for ch in range(12):
        assert torch.allclose(sd['diff_conv1.conv.weight'][:, ch], mean_rgb,
                              atol=1e-6)
    assert torch.equal(sd['diff_conv1.bn.weight'], torch.ones(64))
    # new parts: shift-initialised temporal conv, normal-initialised L-TDM
    tw = sd['layer2.1.tconv.weight']  # 128 channels, fold 16
    assert torch.equal(tw[:16, 0], torch.tensor([0., 0., 1.]).expand(16, 3))
    assert torch.equal(tw[16:32, 0], torch.tensor([1., 0., 0.]).expand(16, 3))
    assert torch.equal(tw[32:, 0], torch.tensor([0., 1., 0.]).expand(96, 3))
    # L-TDM convs: normal(0, sqrt(2 / (k * k * out_channels)))
    w3 = sd['layer4.0.ltdm.conv3_smallscale4.weight']  # (32, 32, 3, 3)
    assert abs(w3.std().item() - (2 / (9 * 32))**0.5) < 0.01
    assert torch.equal(sd['layer4.0.ltdm.bn3.weight'], torch.ones(512))


def test_imagenet_init_rejects_wrong_depth(tmp_path):
    path = tmp_path / 'resnet50_tv.pth'
    torch.save(torchvision_resnet_state((3, 4, 6, 3)), path)
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=101, pretrained=str(path)))
    with pytest.raises(ValueError, match='not a torchvision ResNet-101'):
        backbone.init_weights()


def test_init_cfg_pretrained(tmp_path):
    torch.manual_seed(0)
    src = MODELS.build(dict(type='TDNResNet', depth=50, num_segments=2))
    src.init_weights()
    path = tmp_path / 'tdn.pth'
    torch.save({'state_dict': {f'backbone.{k}': v
                               for k, v in src.state_dict().items()}}, path)
    dst = MODELS.build(
        dict(type='TDNResNet', depth=50, num_segments=2,
             init_cfg=dict(type='Pretrained', checkpoint=str(path),
                           prefix='backbone.')))
    dst.init_weights()
    for k, v in src.state_dict().items():
        assert torch.equal(dst.state_dict()[k], v), k


def test_random_init():
    torch.manual_seed(0)
    backbone = MODELS.build(dict(type='TDNResNet', depth=50))
    backbone.init_weights()
    w = backbone.diff_conv1.conv.weight
    assert torch.equal(w[:, 0], w[:, 11])  # one RGB-mean kernel, repeated
    assert not torch.allclose(w[:, 0], backbone.conv1.conv.weight.mean(1))
    c1 = backbone.layer1[0].conv2.conv.weight  # (64, 64, 3, 3)
    assert abs(c1.std().item() - (2 / (9 * 64))**0.5) < 0.005


# ---------------------------------------------------------------------------
# Recognizer2D, layout, training behaviour, errors
# ---------------------------------------------------------------------------


def test_recognizer2d_loss_and_predict():
    from mmaction.structures import ActionDataSample
    torch.manual_seed(0)
    model = build_recognizer(50, 2, 7)
    model.init_weights()
    inputs = torch.randn(2, 2 * 5, 3, 64, 64)
    samples = [ActionDataSample().set_gt_label(i) for i in (1, 4)]
    model.train()
    losses = model(inputs, samples, mode='loss')
    assert losses['loss_cls'].requires_grad
    losses['loss_cls'].backward()
    assert model.backbone.layer3[2].ltdm.conv1.weight.grad.abs().sum() > 0
    assert model.backbone.diff_conv1.conv.weight.grad.abs().sum() > 0
    assert model.backbone.layer2[0].tconv.weight.grad.abs().sum() > 0
    model.eval()
    with torch.no_grad():
        preds = model(inputs, copy.deepcopy(samples), mode='predict')
        feats, _ = model.extract_feat(inputs, stage='backbone')
    assert feats.shape == (2 * 2, 2048, 2, 2)
    assert len(preds) == 2 and preds[0].pred_score.shape == (7, )
    assert torch.allclose(preds[0].pred_score.sum(), torch.tensor(1.0))
    # multi-view testing: 3 views (clips/crops) of one video, probabilities
    # averaged over views (average_clips='prob')
    views = torch.randn(3, 2 * 5, 3, 64, 64)
    with torch.no_grad():
        (pred, ) = model(views.reshape(1, 3 * 10, 3, 64, 64),
                         [ActionDataSample()], mode='predict')
        each = [
            model.extract_feat(v[None], stage='head', test_mode=True)[0]
            for v in views
        ]
    expected = torch.stack([e.softmax(-1)[0] for e in each]).mean(0)
    assert torch.allclose(pred.pred_score, expected, atol=1e-5)


def test_segments_of_a_clip_stay_together():
    """Two clips in a batch give the same output as each on its own (the
    L-TDM and the temporal conv never mix clips)."""
    torch.manual_seed(0)
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=50, num_segments=2)).eval()
    x = torch.randn(20, 3, 64, 64)
    with torch.no_grad():
        both = backbone(x)
        first = backbone(x[:10])
    assert torch.allclose(both[:2], first, atol=1e-5)


def test_frozen_stages_and_norm_eval():
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=50, frozen_stages=1, norm_eval=True))
    backbone.train()
    for m in (backbone.conv1, backbone.diff_conv1, backbone.layer1,
              backbone.diff_layer1):
        assert all(not p.requires_grad for p in m.parameters())
    assert all(p.requires_grad for p in backbone.layer2.parameters())
    assert not backbone.layer3[0].ltdm.bn3.training
    assert backbone.layer3[0].ltdm.training


@pytest.mark.parametrize('cfg,match', [
    (dict(depth=26), 'depth must be one of'),
    (dict(depth=50, num_segments=1), 'num_segments'),
    (dict(depth=50, clip_len=4), 'clip_len'),
    (dict(depth=50, frozen_stages=5), 'frozen_stages'),
    (dict(depth=50, init_cfg=dict(type='Kaiming')), 'init_cfg'),
])
def test_build_errors(cfg, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(dict(type='TDNResNet', **cfg))


def test_input_shape_error():
    backbone = MODELS.build(dict(type='TDNResNet', depth=50, num_segments=2))
    with pytest.raises(ValueError, match=r'num_segments=2.*\(15, 3, 64, 64\)'):
        backbone(torch.randn(15, 3, 64, 64))
    # 32 px: layer4 at 1x1, the L-TDM pool window shrinks to the map
    # (mmtin extension; the official code fails there)
    backbone.eval()
    with torch.no_grad():
        assert backbone(torch.randn(10, 3, 32, 32)).shape == (2, 2048, 1, 1)


# ---------------------------------------------------------------------------
# Depth 18/34: BasicBlock (mmtin extension)
# ---------------------------------------------------------------------------


def test_r18_equals_reference():
    """R18 TDN (BasicBlock, mse/shift after relu(bn1(conv1))) equals the
    naive reference, converted like an official checkpoint."""
    ref = RefTSN((2, 2, 2, 2), 2, num_classes=5, block=RefBasicBlock)
    randomize_(ref, seed=18)
    ref.eval()
    converted = convert(official_checkpoint(ref))
    model = build_recognizer(18, 2, 5).eval()
    load_state_dict(model, converted['state_dict'], strict=True)
    torch.manual_seed(0)
    x = torch.randn(2, 2 * 5 * 3, 64, 64)  # layer4 at 2x2
    with torch.no_grad():
        expected = ref(x)
        ours, _ = model.extract_feat(
            x.view(2, 2 * 5, 3, 64, 64), stage='head', test_mode=True)
    assert expected.abs().max() > 1
    scale = expected.abs().max()
    assert torch.allclose(ours, expected, rtol=0, atol=1e-5 * scale), \
        (ours - expected).abs().max()


@pytest.mark.parametrize('depth,blocks', [(18, (2, 2, 2, 2)),
                                          (34, (3, 4, 6, 3))])
def test_basic_block_layout(depth, blocks):
    backbone = MODELS.build(dict(type='TDNResNet', depth=depth))
    assert backbone.feat_dim == 512
    keys = backbone.state_dict().keys()
    for i, n in enumerate(blocks):
        for prefix in ([f'layer{i + 1}'] + ['diff_layer1'] * (i == 0)):
            assert len(getattr(backbone, prefix)) == n
            for b in range(n):
                p = f'{prefix}.{b}.'
                has_ltdm = f'{p}ltdm.conv1.weight' in keys
                has_tconv = f'{p}tconv.weight' in keys
                assert has_ltdm == has_tconv == (i > 0), p
                assert f'{p}conv2.conv.weight' in keys
                assert f'{p}conv3.conv.weight' not in keys  # BasicBlock
    for i, planes in ((2, 128), (3, 256), (4, 512)):
        block = getattr(backbone, f'layer{i}')[-1]
        assert block.ltdm.conv1.weight.shape == (planes // 16, planes, 1, 1)
        assert block.tconv.weight.shape == (planes, 1, 3)
    # layer1 and the difference branch: 64 channels, no downsample
    assert backbone.layer1[0].downsample is None
    assert backbone.diff_layer1[0].conv2.conv.out_channels == 64


def test_r18_32px_forward_backward():
    """At 32 px layer4 runs on 1x1 maps (tiny-map L-TDM); training works
    and every temporal part gets gradients."""
    torch.manual_seed(0)
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=18, num_segments=2))
    backbone.init_weights()
    backbone.train()
    x = torch.randn(2 * 2 * 5, 3, 32, 32, requires_grad=True)
    out = backbone(x)
    assert out.shape == (4, 512, 1, 1)
    out.pow(2).mean().backward()
    assert x.grad.abs().sum() > 0
    for name in ('layer4.1.ltdm.conv3_smallscale2.weight',
                 'layer2.0.ltdm.conv1.weight', 'layer3.1.tconv.weight',
                 'diff_conv1.conv.weight', 'diff_layer1.1.conv2.conv.weight'):
        grad = backbone.get_parameter(name).grad
        assert grad is not None and grad.abs().sum() > 0, name


def test_basic_blocks_with_cp_match():
    """Gradient checkpointing (which MMAction2's BasicBlock lacks) gives the
    same outputs and gradients."""
    from mmtin.models.layers import (CheckpointBasicBlock,
                                     TDNBasicBlock)
    torch.manual_seed(0)
    for cls, kwargs in ((CheckpointBasicBlock, {}),
                        (TDNBasicBlock, dict(num_segments=2))):
        plain = cls(16, 32, stride=2, downsample=nn.Conv2d(16, 32, 1, 2),
                    **kwargs)
        ckpt = copy.deepcopy(plain)
        ckpt.with_cp = True
        x = torch.randn(4, 16, 6, 6)
        outs, grads = [], []
        for m in (plain, ckpt):
            xi = x.clone().requires_grad_()
            out = m(xi)
            out.sum().backward()
            outs.append(out)
            grads.append((xi.grad, m.conv1.conv.weight.grad))
        assert torch.allclose(outs[0], outs[1], atol=1e-5)
        for a, b in zip(grads[0], grads[1]):
            assert torch.allclose(a, b, atol=1e-5)


def test_r18_imagenet_init_from_local_file(tmp_path):
    tv = torchvision_resnet_state((2, 2, 2, 2), seed=3, basic=True)
    path = tmp_path / 'resnet18_tv.pth'
    torch.save(tv, path)
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=18, pretrained=str(path)))
    backbone.init_weights()
    sd = backbone.state_dict()
    for prefix in ('layer1', 'diff_layer1'):
        assert torch.equal(sd[f'{prefix}.1.conv1.conv.weight'],
                           tv['layer1.1.conv1.weight'])
        assert torch.equal(sd[f'{prefix}.0.conv2.bn.running_mean'],
                           tv['layer1.0.bn2.running_mean'])
    assert torch.equal(sd['layer2.0.downsample.bn.weight'],
                       tv['layer2.0.downsample.1.weight'])
    assert torch.equal(sd['layer4.1.conv2.conv.weight'],
                       tv['layer4.1.conv2.weight'])
    w = tv['conv1.weight']
    mean_rgb = (w[:, 0] + w[:, 1] + w[:, 2]) / 3
    for ch in (0, 5, 11):
        assert torch.allclose(sd['diff_conv1.conv.weight'][:, ch], mean_rgb,
                              atol=1e-6)
    tw = sd['layer3.0.tconv.weight']  # 256 channels, fold 32
    assert torch.equal(tw[:32, 0], torch.tensor([0., 0., 1.]).expand(32, 3))
    assert torch.equal(tw[64:, 0], torch.tensor([0., 1., 0.]).expand(192, 3))


def test_r18_rejects_resnet50_weights(tmp_path):
    path = tmp_path / 'resnet50_tv.pth'
    torch.save(torchvision_resnet_state((3, 4, 6, 3)), path)
    backbone = MODELS.build(
        dict(type='TDNResNet', depth=18, pretrained=str(path)))
    with pytest.raises(ValueError, match='not a torchvision ResNet-18'):
        backbone.init_weights()
