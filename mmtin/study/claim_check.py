# Copyright (c) OpenMMLab. All rights reserved.
"""A claim of an evidence study, checked on its numbers."""
from dataclasses import dataclass, field
from typing import Dict, Sequence


@dataclass(frozen=True)
class ClaimCheck:
    """One checked claim: what was claimed, whether it held, on which
    numbers.

    Args:
        name (str): Short key, e.g. ``'lsts_within_2_points_of_plain'``.
        passed (bool): Whether the numbers support the claim.
        numbers (dict): The numbers it was decided on (name -> value).
        text (str): The rule in words, e.g. ``'LSTS mean >= plain mean -
            2'``. Default: ''.
    """
    name: str
    passed: bool
    numbers: Dict[str, float] = field(default_factory=dict)
    text: str = ''

    def __post_init__(self):
        object.__setattr__(self, 'passed', bool(self.passed))

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return dict(name=self.name, passed=self.passed,
                    numbers=dict(self.numbers), text=self.text)

    def __str__(self) -> str:
        nums = ', '.join(f'{k} {v:.4g}' if isinstance(v, float) else
                         f'{k} {v}' for k, v in self.numbers.items())
        rule = f' ({self.text})' if self.text else ''
        return (f'{self.name}: {"yes" if self.passed else "NO"}{rule}'
                + (f' [{nums}]' if nums else ''))


def claims_markdown(claims: Sequence[ClaimCheck]) -> str:
    """A markdown list of the checks and the overall verdict."""
    lines = ['Claim checks:', '']
    lines += [f'- {c}' for c in claims]
    verdict = all(c.passed for c in claims)
    lines += ['', f'All claims hold: {"yes" if verdict else "NO"}.']
    return '\n'.join(lines)
