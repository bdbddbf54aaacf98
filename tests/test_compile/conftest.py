# Copyright (c) OpenMMLab. All rights reserved.
def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'slow: trains or compiles (minutes on a CPU); deselect '
        'with -m "not slow"')
