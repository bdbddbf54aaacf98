# Copyright (c) OpenMMLab. All rights reserved.
import pytest

from mmtin.study import (eval_split_options, report_stem, study_parser,
                         variant_roots)


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


def test_eval_split_option_points_the_test_loader_at_the_split():
    parser = study_parser('t', 'w', data_root='d', eval_split=True)
    args = parser.parse_args([])
    assert args.eval_split == 'test' and eval_split_options(args) == {}
    args = parser.parse_args(['--eval-split', 'val'])
    assert eval_split_options(args) == {
        'test_dataloader.dataset.ann_file': 'd/val.txt'}
    with pytest.raises(SystemExit):
        parser.parse_args(['--eval-split', 'train'])
    assert not hasattr(study_parser('t', 'w').parse_args([]), 'eval_split')


def test_eval_split_val_refuses_a_study_of_several_variants():
    parser = study_parser('t', 'w', data_root='d', variants=['dev', 'a'],
                          eval_split=True)
    args = parser.parse_args(['--eval-split', 'val', '--variants', 'dev',
                              'a'])
    with pytest.raises(ValueError, match='several --variants'):
        eval_split_options(args)
    # one variant tuned on alone (a second development variant): its val
    args = parser.parse_args(['--eval-split', 'val', '--variants', 'a'])
    assert eval_split_options(args)['test_dataloader.dataset.ann_file'] \
        == 'd_a/val.txt'
    args = parser.parse_args(['--eval-split', 'val'])  # dev alone: fine
    assert eval_split_options(args)['test_dataloader.dataset.ann_file'] \
        == 'd/val.txt'


def test_report_stem_keeps_held_out_tables_apart():
    # the development table and a held-out one never share a file name
    assert report_stem('adafocus', ['dev']) == 'adafocus_evidence'
    assert report_stem('adamml', ['rhythm_pattern']) == 'adamml_heldout'
    assert report_stem('lsts', ['dev', 'curved']) == 'lsts_heldout'
