# Copyright (c) OpenMMLab. All rights reserved.
"""Anneal the Gumbel-Softmax temperature of a policy once per epoch."""
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class GumbelTemperatureHook(Hook):
    """``tau = init_tau * decay ** epoch`` before every training epoch.

    AdaMML starts at ``tau = 5`` and multiplies by 0.965 per epoch. The
    temperature is written to ``model.<policy_attr>.tau`` and logged in
    the message hub as ``'train/gumbel_tau'``.

    Args:
        init_tau (float): Temperature of epoch 0. Default: 5.0.
        decay (float): Factor per epoch. Default: 0.965.
        min_tau (float): Lower bound. Default: 1e-3.
        policy_attr (str): Attribute of the model holding the policy.
            Default: 'policy'.
    """

    priority = 'NORMAL'

    def __init__(self,
                 init_tau: float = 5.0,
                 decay: float = 0.965,
                 min_tau: float = 1e-3,
                 policy_attr: str = 'policy') -> None:
        if init_tau <= 0 or not 0 < decay <= 1 or min_tau <= 0:
            raise ValueError(
                'GumbelTemperatureHook: need init_tau > 0, 0 < decay <= 1 and'
                f' min_tau > 0, got {init_tau}, {decay}, {min_tau}')
        self.init_tau = init_tau
        self.decay = decay
        self.min_tau = min_tau
        self.policy_attr = policy_attr

    def tau_at(self, epoch: int) -> float:
        """float: The temperature of ``epoch`` (0-based)."""
        return max(self.init_tau * self.decay**epoch, self.min_tau)

    def before_train_epoch(self, runner) -> None:
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        policy = getattr(model, self.policy_attr, None)
        if policy is None:
            raise AttributeError(
                f'GumbelTemperatureHook: the model has no '
                f'"{self.policy_attr}" (policy_attr); remove the hook for '
                'models without a policy')
        policy.tau = self.tau_at(runner.epoch)
        runner.message_hub.update_scalar('train/gumbel_tau', policy.tau)
