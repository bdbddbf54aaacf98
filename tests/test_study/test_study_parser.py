# Copyright (c) OpenMMLab. All rights reserved.
import pytest

from mmtin.study import study_parser, variant_roots


def test_variant_roots_dev_only_keeps_single_layout():
    assert variant_roots('data/x', ['dev']) == {'': 'data/x'}
    assert variant_roots('data/x', ['dev', 'dev']) == {'': 'data/x'}


def test_variant_roots_held_out_get_their_own_folder():
    roots = variant_roots('data/x/', ['dev', 'a', 'b'])
    assert roots == {'dev': 'data/x', 'a': 'data/x_a', 'b': 'data/x_b'}
    assert variant_roots('d', ['a']) == {'a': 'd_a'}


def test_study_parser_variants_option():
    parser = study_parser('t', 'w', data_root='d', variants=['dev', 'a'])
    assert parser.parse_args([]).variants == ['dev']
    assert parser.parse_args(['--variants', 'a']).variants == ['a']
    with pytest.raises(SystemExit):
        parser.parse_args(['--variants', 'nope'])
    # without the generator's variants there is no option
    assert not hasattr(study_parser('t', 'w').parse_args([]), 'variants')
