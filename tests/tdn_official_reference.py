# Copyright (c) OpenMMLab. All rights reserved.
"""An independent, naive re-implementation of the official TDN network
(MCG-NJU/TDN: module names, conv biases, Conv1d temporal conv, loops over
time), and synthetic torchvision ResNet state dicts, shared by the TDNResNet
tests."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmaction.registry import MODELS

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
        self.alpha, self.beta = ((0.5, 0.5) if n_segment == 8 else
                                 (0.75, 0.25))
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
