# Copyright (c) OpenMMLab. All rights reserved.
"""Switch the model to its deploy form before testing."""
from mmaction.registry import HOOKS
from mmengine.hooks import Hook


@HOOKS.register_module()
class SwitchToDeployHook(Hook):
    """Call :func:`mmtin.models.utils.switch_to_deploy` on the model at
    ``before_test``, i.e. after the Runner loaded the checkpoint
    (``load_from``) and before the first test batch.

    Only the test loop is affected: a deployed model cannot train, so the
    hook does nothing before validation during training.
    ``tools/test.py --deploy`` and ``model.deploy=True`` add it (see
    :func:`add_deploy_hook`).
    """

    priority = 'VERY_LOW'

    def before_test(self, runner) -> None:
        from mmtin.models.utils.deploy import switch_to_deploy
        switch_to_deploy(runner.model)
        runner.logger.info('SwitchToDeployHook: model switched to its '
                           'deploy form')


def add_deploy_hook(cfg, deploy: bool = False) -> bool:
    """Pop ``cfg.model.deploy`` and, if it or ``deploy`` is True, add a
    :class:`SwitchToDeployHook` to ``cfg.custom_hooks`` (once).

    Args:
        cfg (mmengine.Config): A full config (changed in place).
        deploy (bool): The ``--deploy`` command-line flag. Default: False.

    Returns:
        bool: Whether the hook is in the config.
    """
    from mmtin.models.utils.deploy import pop_deploy_flag
    deploy = pop_deploy_flag(cfg.get('model')) or deploy
    if deploy:
        hooks = list(cfg.get('custom_hooks', None) or [])
        if not any(h.get('type') in ('SwitchToDeployHook',
                                     'mmaction.SwitchToDeployHook')
                   for h in hooks):
            hooks.append(dict(type='SwitchToDeployHook'))
        cfg.custom_hooks = hooks
    return deploy
