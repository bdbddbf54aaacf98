# Copyright (c) OpenMMLab. All rights reserved.
"""The check that a picture is asked of a model it applies to."""
from typing import Iterable, Union


def require_family(model, kind: str,
                   families: Union[str, Iterable[str]]) -> None:
    """Raise a ValueError unless ``model`` (or one of its modules) is of
    one of ``families`` (class names).

    Args:
        model (nn.Module): The built model.
        kind (str): The picture (``tools/visualize.py`` KIND).
        families (str | Iterable[str]): Accepted class names.
    """
    families = (families, ) if isinstance(families, str) else tuple(families)
    found = {type(m).__name__ for m in model.modules()}
    if not found & set(families):
        raise ValueError(
            f'{kind}: needs a model with {" or ".join(families)}; the '
            f'config builds a {type(model).__name__} without one (model.type'
            f'={getattr(model, "cfg", {}).get("model", {}).get("type")!r})')
