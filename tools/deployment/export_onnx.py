# Copyright (c) OpenMMLab. All rights reserved.
"""Export a whole recognizer (backbone, neck and head) to ONNX.

Usage::

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT OUT.onnx \
        [--num-segments N] [--shape N S C H W] [--dynamic-batch] \
        [--verify] [--atol 1e-6] [--rtol 1e-3] [--deploy] [--opset 17] \
        [--dynamo] [--cfg-options k=v ...]

CHECKPOINT may be ``none``: the model keeps its random initialisation, so
the export can be tried without weights. The graph takes the normalised
clip (the config's ``data_preprocessor`` already applied) and returns the
class scores of each clip, equal to the ``pred_score`` of ``tools/test.py``
for one view (``average_clips='prob'``: softmax):

* 2D recognizers (TIN, TSM, TSN, TDN): input ``inputs [N, S, C, H, W]``,
  S = segments x frames per segment (TDN: 5 per segment);
* 3D recognizers (MoViNet base, ResNet3dRS): ``inputs [N, V, C, T, H, W]``
  (V views, usually 1);
* ``MoViNetStreamRecognizer``: one stream step, inputs ``chunk [N, C, t,
  H, W]`` and every state ``state.<name>``, outputs ``scores`` (running
  class scores over every frame so far) and ``new_state.<name>``; feed
  the zeros of the state shapes first, then each call's new states.

The default shape is one test view of the config's test pipeline (a chunk
of ``test_cfg.chunk_size`` frames for a stream step); ``--num-segments``
sets the model's and the input's segments (2D) or frames (3D).
``--verify`` runs the graph with onnxruntime on a random input (two
consecutive chunks for a stream step; batch 1 and 3 with
``--dynamic-batch``), prints the largest absolute difference to PyTorch and
exits with status 1 if it exceeds ``atol + rtol * max|score|``.
"""
import argparse
import sys

from mmengine.config import DictAction

import mmtin  # noqa: F401  (registers mmtin's models)
from mmtin.apis import build_recognizer, load_config
from mmtin.deployment import (example_inputs, export_input_shape,
                              export_module, export_onnx, verify_onnx)
from mmtin.deployment.onnx_export import io_names, onnx_opset, run_torch


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Export a whole recognizer to ONNX',
        epilog='CHECKPOINT "none" exports the randomly initialised model.')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        'checkpoint', help='checkpoint file, or "none" for random init')
    parser.add_argument('out', help='ONNX file to write')
    parser.add_argument(
        '--num-segments', type=int, default=None,
        help='segments (2D) / frames (3D) of the model and the input')
    parser.add_argument(
        '--shape', type=int, nargs='+', default=None,
        help='input shape: N S C H W (2D), N V C T H W (3D) or N C t H W '
        '(stream step); default: one test view of the config')
    parser.add_argument('--dynamic-batch', action='store_true',
                        help='leave the batch axis (N) free')
    parser.add_argument('--verify', action='store_true',
                        help='compare onnxruntime with PyTorch')
    parser.add_argument('--atol', type=float, default=1e-6)
    parser.add_argument('--rtol', type=float, default=1e-3)
    parser.add_argument(
        '--deploy', action='store_true',
        help='switch the model to its deploy form (fused kernels) first')
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument(
        '--dynamo', action='store_true',
        help='use the torch.export based exporter (opset >= 18; default: '
        'the TorchScript exporter, which exports every family)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='config overrides, key=value')
    args = parser.parse_args(argv)
    if args.num_segments is not None and args.num_segments < 1:
        parser.error('--num-segments must be >= 1')
    if args.opset < 17:
        parser.error('--opset must be >= 17')
    return args


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    model = build_recognizer(cfg, checkpoint=args.checkpoint,
                             num_segments=args.num_segments,
                             deploy=args.deploy)
    shape = export_input_shape(model, cfg, args.shape, args.num_segments)
    module = export_module(model, shape)
    inputs = example_inputs(module, shape)
    run_torch(module, inputs)  # a bad --shape fails here, clearly
    data = export_onnx(module, inputs, args.out, args.dynamic_batch,
                       args.opset, args.dynamo)
    ins, outs = io_names(module)
    print(f'exported {type(model).__name__} of {args.config} to {args.out} '
          f'(opset {onnx_opset(data)}, input {list(shape)}'
          f'{", dynamic batch" if args.dynamic_batch else ""}; inputs '
          f'{ins[0]}{" + %d states" % (len(ins) - 1) if len(ins) > 1 else ""}'
          f', outputs {outs[0]}{" + states" if len(outs) > 1 else ""})')
    if not args.verify:
        return 0
    batches = (1, 3) if args.dynamic_batch else ()
    failed = False
    for label, diff, scale in verify_onnx(module, args.out, shape, batches):
        bound = args.atol + args.rtol * scale
        ok = diff <= bound
        failed |= not ok
        print(f'verify ({label}): max |onnxruntime - pytorch| = {diff:.3g} '
              f'(max |score| {scale:.3g}, bound {bound:.3g}): '
              f'{"ok" if ok else "FAILED"}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
