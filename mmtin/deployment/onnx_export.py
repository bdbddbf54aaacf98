# Copyright (c) OpenMMLab. All rights reserved.
"""Export a whole mmtin / MMAction2 recognizer to ONNX and check it with
onnxruntime.

:func:`mmtin.apis.build_recognizer` builds a config's model (random init
or a checkpoint), :func:`export_input_shape` checks or derives the input
shape,
:func:`export_onnx` writes the graph (:class:`RecognizerScores` for clip
models, :class:`StreamStepScores` with the states as inputs and outputs for
a MoViNet stream step) and :func:`verify_onnx` runs it with onnxruntime
next to PyTorch. ``tools/deployment/export_onnx.py`` is the command line.
"""
import io
import warnings
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import nn

from mmtin.apis import RecognizerScores, view_input_shape, view_spec
from .stream_step_scores import StreamStepScores

DEFAULT_OPSET = 17


DEPLOY_EXTRA = 'pip install "mmtin[deploy]"'


def require_deploy_packages(*names: str, what: str = 'ONNX export') -> None:
    """Import ``names`` or fail naming the ``deploy`` extra.

    Args:
        *names (str): Modules needed, e.g. ``'onnx'``, ``'onnxruntime'``.
        what (str): What needs them, for the message.

    Raises:
        ImportError: Naming the missing packages and ``mmtin[deploy]``.
    """
    import importlib
    missing = []
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise ImportError(
            f'{what} needs {", ".join(missing)}, which is not installed: '
            f'{DEPLOY_EXTRA} (or pip install {" ".join(missing)})')


def is_stream(model: nn.Module) -> bool:
    """Whether ``model`` is exported as one stream step."""
    return hasattr(model, 'stream_step') and hasattr(model, 'init_states')


def is_3d(model: nn.Module) -> bool:
    """Whether a recognizer takes ``[N, V, C, T, H, W]`` clips."""
    from mmaction.models.recognizers import Recognizer3D
    return isinstance(model, Recognizer3D)


def export_input_shape(model: nn.Module,
                       config=None,
                       shape: Optional[Sequence[int]] = None,
                       num_segments: Optional[int] = None,
                       batch: int = 1) -> Tuple[int, ...]:
    """The (checked) input shape of the exported graph.

    Without ``shape`` it is one test view of ``config``'s test pipeline
    (:func:`mmtin.apis.view_spec`) with ``batch`` clips; a
    stream step takes a chunk ``(N, C, t, H, W)`` of ``test_cfg.chunk_size``
    frames (1 if unset). A given ``shape`` is checked against the model:
    ``[N, S, C, H, W]`` (2D), ``[N, V, C, T, H, W]`` (3D) or ``[N, C, t, H,
    W]`` (stream step), positive, with the backbone's input channels.

    Args:
        model (nn.Module): The built recognizer.
        config (mmengine.Config, optional): Its config. Default: None.
        shape (Sequence[int], optional): The requested shape. Default: None.
        num_segments (int, optional): Segments (2D) or frames (3D) of the
            default shape. Default: None.
        batch (int): Clips of the default shape. Default: 1.

    Returns:
        tuple[int]: The input shape.
    """
    stream = is_stream(model)
    if shape is None:
        spec = view_spec(config) if config is not None else dict(
            format='NCTHW' if is_3d(model) else 'NCHW', num_clips=1,
            clip_len=8, crop_size=(224, 224))
        full = view_input_shape(spec, batch, num_segments)
        if not stream:
            return tuple(full)
        chunk = (getattr(model, 'test_cfg', None) or {}).get('chunk_size')
        return (batch, full[2], chunk or 1) + tuple(full[4:])
    shape = tuple(shape)
    layout = ('(N, C, t, H, W)' if stream else '(N, V, C, T, H, W)'
              if is_3d(model) else '(N, S, C, H, W)')
    if len(shape) != len(layout.split(',')):
        raise ValueError(f'--shape {list(shape)}: {type(model).__name__} '
                         f'takes a {len(layout.split(","))}-d input '
                         f'{layout}, got {len(shape)} numbers')
    if not all(isinstance(s, int) and s > 0 for s in shape):
        raise ValueError(f'--shape {list(shape)}: every size must be a '
                         'positive integer')
    channels = getattr(getattr(model, 'backbone', None), 'in_channels', 3)
    c_axis = 1 if stream else 2
    if isinstance(channels, int) and shape[c_axis] != channels:
        raise ValueError(f'--shape {list(shape)}: the channel axis (C, '
                         f'position {c_axis}) must be {channels}, the '
                         f'backbone\'s input channels, got {shape[c_axis]}')
    return shape


def export_module(model: nn.Module, shape: Sequence[int]) -> nn.Module:
    """The module to export: :class:`StreamStepScores` for a stream
    recognizer, :class:`RecognizerScores` otherwise."""
    if is_stream(model):
        return StreamStepScores(model, shape).eval()
    return RecognizerScores(model).eval()


def example_inputs(module: nn.Module, shape: Sequence[int],
                   seed: int = 0) -> List[torch.Tensor]:
    """A seeded random input of ``shape`` (plus zero states for a stream
    step)."""
    gen = torch.Generator().manual_seed(seed)
    param = next(module.parameters())
    x = torch.randn(tuple(shape), generator=gen).to(param)
    if isinstance(module, StreamStepScores):
        return [x] + module.initial_states()
    return [x]


def run_torch(module: nn.Module, inputs: Sequence[torch.Tensor],
              shape_name: str = '--shape') -> List[np.ndarray]:
    """PyTorch outputs of ``module`` as numpy arrays; a failing forward is
    reported as a bad input shape."""
    try:
        with torch.no_grad():
            out = module(*inputs)
    except Exception as exc:
        raise ValueError(
            f'{shape_name} {list(inputs[0].shape)} does not fit the model '
            f'({type(exc).__name__}: {exc})') from exc
    out = out if isinstance(out, tuple) else (out, )
    return [o.detach().cpu().numpy() for o in out]


def io_names(module: nn.Module) -> Tuple[List[str], List[str]]:
    """Input and output names of the graph."""
    if isinstance(module, StreamStepScores):
        return (['chunk'] + [f'state.{k}' for k in module.state_names],
                ['scores'] + [f'new_state.{k}' for k in module.state_names])
    return ['inputs'], ['scores']


def _dynamic_axes(module, inputs, names) -> Dict[str, Dict[int, str]]:
    ins, outs = names
    axes = {ins[0]: {0: 'batch'}, outs[0]: {0: 'batch'}}
    if isinstance(module, StreamStepScores):
        # a state scales with the batch when its first axis does
        shape2 = (2, ) + module.chunk_shape[1:]
        other = module.recognizer.init_states(shape2)
        for k, value, i, o in zip(module.state_names, inputs[1:], ins[1:],
                                  outs[1:]):
            if value.dim() and other[k].shape[0] != value.shape[0]:
                axes[i] = {0: 'batch'}
                axes[o] = {0: 'batch'}
    return axes


def export_onnx(module: nn.Module,
                inputs: Sequence[torch.Tensor],
                out=None,
                dynamic_batch: bool = False,
                opset: int = DEFAULT_OPSET,
                dynamo: bool = False) -> bytes:
    """Trace ``module`` on ``inputs`` into an ONNX graph.

    Args:
        module (nn.Module): From :func:`export_module`.
        inputs (Sequence[Tensor]): From :func:`example_inputs`.
        out (str, optional): File to write. Default: None.
        dynamic_batch (bool): Leave the batch axis free. Default: False.
        opset (int): ONNX opset, >= 17 (>= 18 with ``dynamo``).
            Default: 17.
        dynamo (bool): Use the ``torch.export`` based exporter instead of
            the TorchScript one (which exports every mmtin family).
            Default: False.

    Returns:
        bytes: The serialised ONNX model.
    """
    if opset < 17:
        raise ValueError(f'--opset {opset}: mmtin exports with opset >= 17')
    require_deploy_packages('onnx', 'onnxscript')
    if dynamo:  # its native opset; converting down to 17 fails
        opset = max(opset, 18)
    names = io_names(module)
    kwargs = dict(opset_version=opset, input_names=names[0],
                  output_names=names[1], do_constant_folding=True)
    if dynamic_batch:
        axes = _dynamic_axes(module, inputs, names)
        if dynamo:
            batch = torch.export.Dim('batch', min=1, max=1024)
            kwargs['dynamic_shapes'] = [
                {0: batch} if n in axes else None for n in names[0]
            ]
        else:
            kwargs['dynamic_axes'] = axes
    buf = io.BytesIO()
    try:
        # autograd on while tracing: modules then take their out-of-place
        # paths (the TorchScript tracer drops writes through ``out=`` and
        # into slices that no-grad fast paths use)
        with warnings.catch_warnings(), torch.enable_grad():
            warnings.simplefilter('ignore')
            if dynamo:
                torch.onnx.export(module, tuple(inputs), dynamo=True,
                                  verbose=False, **kwargs).save(buf)
            else:
                torch.onnx.export(module, tuple(inputs), buf, dynamo=False,
                                  **kwargs)
    except Exception as exc:
        model = getattr(module, 'recognizer', module)
        hint = ' (it may export without --dynamic-batch)' \
            if dynamic_batch else ''
        raise RuntimeError(
            f'ONNX export of {type(model).__name__} with backbone '
            f'{type(getattr(model, "backbone", None)).__name__} failed'
            f'{hint}: {type(exc).__name__}: {exc}') from exc
    data = buf.getvalue()
    if out is not None:
        with open(out, 'wb') as f:
            f.write(data)
    return data


def ort_session(model, threads: Optional[int] = None):
    """An onnxruntime CPU session of a model (bytes or file)."""
    require_deploy_packages('onnxruntime', what='checking the ONNX graph')
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    if threads:
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
    return ort.InferenceSession(model, opts,
                                providers=['CPUExecutionProvider'])


def verify_onnx(module: nn.Module,
                model,
                shape: Sequence[int],
                batches: Sequence[int] = (),
                steps: int = 2,
                seed: int = 1) -> List[Tuple[str, float, float]]:
    """Run the graph with onnxruntime and PyTorch on the same inputs.

    Clip models run once per batch size (``shape`` and each of
    ``batches``); a stream step runs ``steps`` consecutive chunks, feeding
    each call's new states back in (onnxruntime its own, PyTorch its own).

    Args:
        module (nn.Module): The exported module.
        model (bytes | str): The ONNX model.
        shape (Sequence[int]): The export input shape.
        batches (Sequence[int]): More batch sizes to try (dynamic batch).
            Default: ().
        steps (int): Consecutive chunks of a stream step. Default: 2.
        seed (int): Seed of the random inputs. Default: 1.

    Returns:
        list[tuple[str, float, float]]: Per run: a label, the largest
        absolute difference of the scores and the largest absolute score.
    """
    sess = ort_session(model)
    in_names = [i.name for i in sess.get_inputs()]
    results = []
    for batch in [shape[0]] + [b for b in batches if b != shape[0]]:
        run_shape = (batch, ) + tuple(shape[1:])
        if isinstance(module, StreamStepScores):
            step = StreamStepScores(module.recognizer, run_shape).eval()
            states_t = step.initial_states()
            states_o = [s.numpy() for s in states_t]
            gen = torch.Generator().manual_seed(seed)
            for i in range(steps):
                chunk = torch.randn(run_shape, generator=gen)
                ref = run_torch(step, [chunk] + states_t)
                with torch.no_grad():
                    states_t = list(step(chunk, *states_t)[1:])
                got = sess.run(None, dict(
                    zip(in_names, [chunk.numpy()] + states_o)))
                states_o = got[1:]
                results.append((f'batch {batch}, chunk {i + 1}',
                                float(np.abs(got[0] - ref[0]).max()),
                                float(np.abs(ref[0]).max())))
        else:
            inputs = example_inputs(module, run_shape, seed)
            ref = run_torch(module, inputs)
            got = sess.run(None, {in_names[0]: inputs[0].numpy()})
            results.append((f'batch {batch}',
                            float(np.abs(got[0] - ref[0]).max()),
                            float(np.abs(ref[0]).max())))
    return results


def onnx_opset(model: bytes) -> int:
    """The default-domain opset of a serialised ONNX model."""
    require_deploy_packages('onnx', what='reading the ONNX graph')
    import onnx
    graph = onnx.load_model_from_string(model)
    return max(o.version for o in graph.opset_import
               if o.domain in ('', 'ai.onnx'))
