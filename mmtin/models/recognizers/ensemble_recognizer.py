# Copyright (c) OpenMMLab. All rights reserved.
"""Score ensembles of independently trained recognizers.

MoViNet (Kondratyuk et al., CVPR 2021, Sec. 3.4 "simple ensembling"): two
models of one architecture, trained independently, each at half the frame
rate with different temporal offsets; their logits are averaged, so the
ensemble costs the FLOPs of one full-rate model. TDN (Wang et al., CVPR
2021) reports 8-frame + 16-frame ensembles built the same way.

The ensemble gets one sampled clip (its own ``data_preprocessor``), gives
each member its frame subset of every view and averages the members'
scores.
"""
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.model import BaseModel
from mmengine.runner.checkpoint import CheckpointLoader
from torch import Tensor, nn

from mmtin.models.utils.validators import check_int

FUSE = ('logits', 'prob')
OWNER = 'EnsembleRecognizer'
#: Key prefix of the parameters of a one-member ensemble's checkpoint.
SINGLE = 'members.0.'


def select_units(num_units: int, frames: Optional[dict],
                 owner: str) -> List[int]:
    """Indices of the time units a member takes out of ``num_units``.

    Args:
        num_units (int): Time units of one view (frames, or segments of
            ``segment_len`` frames).
        frames (dict, optional): ``dict(offset=o, stride=s)`` takes units
            ``o, o + s, o + 2s, ...``; ``dict(indices=[...])`` takes the
            listed units. None takes all.
        owner (str): Name of the member, for the messages.

    Returns:
        list[int]: The selected unit indices, in order.
    """
    if frames is None:
        return list(range(num_units))
    if not isinstance(frames, dict):
        raise TypeError(f'{owner}: frames must be a dict, got {frames!r}')
    unknown = set(frames) - {'offset', 'stride', 'indices'}
    if unknown:
        raise KeyError(f'{owner}: unknown frames keys {sorted(unknown)}; '
                       'use offset/stride or indices')
    if 'indices' in frames:
        if {'offset', 'stride'} & set(frames):
            raise ValueError(f'{owner}: frames takes either indices or '
                             f'offset/stride, got {frames}')
        indices = list(frames['indices'])
        if not indices:
            raise ValueError(f'{owner}: frames.indices is empty')
        bad = [i for i in indices
               if isinstance(i, bool) or not isinstance(i, int)
               or not 0 <= i < num_units]
        if bad:
            raise ValueError(f'{owner}: frames.indices {bad} out of range for '
                             f'a clip of {num_units} time units')
        return indices
    offset, stride = frames.get('offset', 0), frames.get('stride', 1)
    check_int(offset, 'frames.offset', owner, minimum=0)
    check_int(stride, 'frames.stride', owner, minimum=1)
    if offset >= num_units:
        raise ValueError(f'{owner}: frames.offset={offset} is past the clip '
                         f'({num_units} time units)')
    return list(range(offset, num_units, stride))


@MODELS.register_module()
class EnsembleRecognizer(BaseModel):
    """Average the class scores of several recognizers on one sampled clip.

    Each member is a recognizer config with its own checkpoint and its own
    frames of the sampled clip. In test mode a member runs its own test path
    (``extract_feat(test_mode=True)``, its head, the mean over views) on its
    frames, with its head's ``average_clips`` set by ``fuse``:

    * ``fuse='logits'`` (MoViNet: "logits are averaged"): each member's
      logits, averaged over its views, then over the members; ``pred_score``
      is the softmax of that mean (the top-1 is the mean logit's).
    * ``fuse='prob'``: each member's softmax, averaged over views and
      members; ``pred_score`` is that mean.

    Frames: inputs are ``[N, V, C, T, H, W]`` (``NCTHW``) or
    ``[N, V * T, C, H, W]`` (``NCHW``, 2D recognizers such as TDN, whose
    ``T`` frames are ``T / segment_len`` segments of ``segment_len``
    frames). The clip of one view is cut into ``T / segment_len`` time
    units, and a member takes the units of its ``frames`` (see
    :func:`select_units`), e.g. ``dict(offset=1, stride=2)`` for the
    half-rate member with offset 1.

    Training (``mode='loss'``) sums the members' own losses on their
    frames; the members share no parameters, so this trains each on its own
    (as the papers do) on the same batches. The members' own
    ``data_preprocessor`` is not used: the ensemble's applies (by default a
    copy of the first member's).

    Args:
        members (list[dict]): One dict per member with keys ``model`` (a
            recognizer config), ``checkpoint`` (optional path or URL of the
            member's own checkpoint, loaded strictly at build and again by
            ``init_weights``; also the checkpoint of a one-member
            ensemble, i.e. the member trained alone on its frames) and
            ``frames`` (optional, see above).
        fuse (str): ``'logits'`` or ``'prob'``. Default: ``'logits'``.
        segment_len (int): Consecutive frames that form one time unit
            (5 for TDN segments). Default: 1.
        num_frames (int, optional): Frames ``T`` per view of the sampled
            clip; required for ``NCHW`` inputs with several views, checked
            against ``NCTHW`` inputs. Default: None.
        data_preprocessor (dict, optional): Default: the first member's.
        init_cfg (dict, optional): Default: None.
    """

    def __init__(self,
                 members: Sequence[dict],
                 fuse: str = 'logits',
                 segment_len: int = 1,
                 num_frames: Optional[int] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if not isinstance(members, (list, tuple)) or not members:
            raise ValueError(f'{OWNER}: members must be a non-empty list of '
                             f'dicts, got {members!r}')
        if fuse not in FUSE:
            raise ValueError(f'{OWNER}: fuse must be one of {FUSE}, got '
                             f'{fuse!r}')
        check_int(segment_len, 'segment_len', OWNER)
        if num_frames is not None:
            check_int(num_frames, 'num_frames', OWNER)
            if num_frames % segment_len:
                raise ValueError(f'{OWNER}: num_frames={num_frames} is not a '
                                 f'multiple of segment_len={segment_len}')
        for i, member in enumerate(members):
            unknown = set(member) - {'model', 'checkpoint', 'frames'}
            if 'model' not in member or unknown:
                raise KeyError(f'{OWNER}: members[{i}] needs the key model '
                               f'(and optionally checkpoint, frames), got '
                               f'keys {sorted(member)}')
        if data_preprocessor is None:
            data_preprocessor = dict(
                members[0]['model'].get(
                    'data_preprocessor',
                    dict(type='mmaction.ActionDataPreprocessor')))
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.fuse = fuse
        self.segment_len = segment_len
        self.num_frames = num_frames
        self.frames = [m.get('frames') for m in members]
        self.checkpoints = [m.get('checkpoint') for m in members]
        self.members = nn.ModuleList(
            MODELS.build(dict(m['model'])) for m in members)
        for i, member in enumerate(self.members):
            head = getattr(member, 'cls_head', None)
            if head is None or not hasattr(head, 'average_clip'):
                raise TypeError(f'{OWNER}: members[{i}] must be a recognizer '
                                f'with a cls_head, got {type(member)}')
            head.average_clips = 'score' if fuse == 'logits' else 'prob'
        self.load_member_checkpoints()

    def load_member_checkpoints(self) -> None:
        """Load every member's ``checkpoint`` (strict)."""
        for i, path in enumerate(self.checkpoints):
            if path is None:
                continue
            try:
                ckpt = CheckpointLoader.load_checkpoint(
                    path, map_location='cpu')
            except (FileNotFoundError, OSError) as exc:
                raise FileNotFoundError(
                    f'{OWNER}: members[{i}].checkpoint {path} cannot be '
                    f'loaded: {exc}') from exc
            state = ckpt.get('state_dict', ckpt)
            state = {k[7:] if k.startswith('module.') else k: v
                     for k, v in state.items()}
            if state and all(k.startswith(SINGLE) for k in state):
                # saved by a one-member EnsembleRecognizer: a member
                # trained alone on its frames
                state = {k[len(SINGLE):]: v for k, v in state.items()}
            result = self.members[i].load_state_dict(state, strict=False)
            if result.missing_keys or result.unexpected_keys:
                raise RuntimeError(
                    f'{OWNER}: checkpoint {path} does not fit members[{i}] '
                    f'({type(self.members[i]).__name__}): missing keys '
                    f'{result.missing_keys[:10]}, unexpected keys '
                    f'{result.unexpected_keys[:10]}')

    def init_weights(self) -> None:
        """Initialise the members, then load their checkpoints."""
        super().init_weights()
        self.load_member_checkpoints()

    def member_inputs(self, inputs: Tensor, index: int) -> Tensor:
        """The frames of member ``index`` from the ensemble's inputs.

        Args:
            inputs (Tensor): ``[N, V, C, T, H, W]`` or ``[N, V * T, C, H,
                W]``.
            index (int): The member.

        Returns:
            Tensor: The same layout with the member's frames only.
        """
        owner = f'{OWNER}.members[{index}]'
        if inputs.dim() == 6:  # N, V, C, T, H, W
            frames = inputs.shape[3]
            if self.num_frames is not None and frames != self.num_frames:
                raise ValueError(
                    f'{owner}: the input has {frames} frames per view '
                    f'(shape {tuple(inputs.shape)}), num_frames is '
                    f'{self.num_frames}')
        elif inputs.dim() == 5:  # N, V * T, C, H, W
            frames = self.num_frames or inputs.shape[1]
            if inputs.shape[1] % frames:
                raise ValueError(
                    f'{owner}: {inputs.shape[1]} frames (shape '
                    f'{tuple(inputs.shape)}) are not views of num_frames='
                    f'{frames}')
        else:
            raise ValueError(f'{owner}: inputs must be [N, V, C, T, H, W] or '
                             f'[N, V*T, C, H, W], got {tuple(inputs.shape)}')
        if frames % self.segment_len:
            raise ValueError(f'{owner}: {frames} frames per view are not a '
                             f'multiple of segment_len={self.segment_len}')
        units = select_units(frames // self.segment_len, self.frames[index],
                             owner)
        keep = torch.tensor([u * self.segment_len + j for u in units
                             for j in range(self.segment_len)],
                            device=inputs.device)
        if inputs.dim() == 6:
            return inputs.index_select(3, keep)
        views = inputs.reshape(inputs.shape[0], -1, frames,
                               *inputs.shape[2:])
        return views.index_select(2, keep).flatten(1, 2)

    def member_scores(self, inputs: Tensor, index: int) -> Tensor:
        """Scores ``[N, num_classes]`` of one member on its frames: its
        logits (``fuse='logits'``) or probabilities, averaged over views."""
        member = self.members[index]
        x = self.member_inputs(inputs, index)
        feats, kwargs = member.extract_feat(x, test_mode=True)
        scores = member.cls_head(feats, **kwargs)
        views = scores.shape[0] // x.shape[0]
        return member.cls_head.average_clip(scores, num_segs=views)

    def fused_scores(self, inputs: Tensor) -> Tensor:
        """The ensemble's ``pred_score`` rows ``[N, num_classes]``."""
        scores = torch.stack([
            self.member_scores(inputs, i) for i in range(len(self.members))
        ]).mean(dim=0)
        return F.softmax(scores, dim=1) if self.fuse == 'logits' else scores

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List[ActionDataSample]] = None,
                mode: str = 'tensor') -> Union[Tensor, Dict, List]:
        """``'tensor'``: fused scores; ``'predict'``: data samples with
        ``pred_score``; ``'loss'``: every member's losses, keys prefixed
        ``member{i}.``."""
        if mode == 'tensor':
            return self.fused_scores(inputs)
        if mode == 'predict':
            scores = self.fused_scores(inputs)
            for sample, score in zip(data_samples, scores):
                sample.set_pred_score(score)
                sample.set_pred_label(score.argmax(dim=0, keepdim=True))
            return data_samples
        if mode == 'loss':
            losses = {}
            for i, member in enumerate(self.members):
                member_losses = member.loss(
                    self.member_inputs(inputs, i), data_samples)
                losses.update({f'member{i}.{k}': v
                               for k, v in member_losses.items()})
            return losses
        raise ValueError(f'{OWNER}: invalid mode {mode!r}; use tensor, '
                         'predict or loss')
