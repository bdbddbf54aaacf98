# Copyright (c) OpenMMLab. All rights reserved.
"""A DDP wrapper that also works for models living on the CPU."""
from mmengine.model import MMDistributedDataParallel

from mmaction.registry import MODEL_WRAPPERS


def _on_cpu(module) -> bool:
    devices = {p.device.type for p in module.parameters()}
    return devices == {'cpu'} or not devices


@MODEL_WRAPPERS.register_module()
class DeviceAwareDDP(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` that accepts CPU modules.

    MMEngine's Runner always passes ``device_ids=[LOCAL_RANK]`` to the DDP
    wrapper, which ``torch.nn.parallel.DistributedDataParallel`` rejects for
    a module on the CPU (the multi-process gloo case on a machine without a
    GPU). This wrapper drops ``device_ids`` and ``output_device`` when the
    module's parameters are on the CPU; on GPUs it is exactly
    ``MMDistributedDataParallel``.

    Args:
        module (nn.Module): The model to wrap.
        detect_anomalous_params (bool): See ``MMDistributedDataParallel``.
            Default: False.
        **kwargs: Passed to ``DistributedDataParallel``.
    """

    def __init__(self, module, detect_anomalous_params=False, **kwargs):
        if _on_cpu(module):
            kwargs.pop('device_ids', None)
            kwargs.pop('output_device', None)
        super().__init__(
            module=module,
            detect_anomalous_params=detect_anomalous_params,
            **kwargs)
