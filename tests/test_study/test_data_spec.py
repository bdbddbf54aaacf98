# Copyright (c) OpenMMLab. All rights reserved.
"""mmtin.study.data_spec: generate into empty folders only, reuse matching
data, refuse other data naming the differing keys."""
import json

import pytest

from mmtin.study import DataRootError, DataSpec, ensure_data
from mmtin.study.data_spec import MARKER

CALLS = []


def fake_generator(out_dir, num_videos=10, size=32, ratios=(0.5, 0.5),
                   seed=0):
    """Writes one file and a meta.json holding its arguments."""
    CALLS.append(out_dir)
    with open(f'{out_dir}/ann.txt', 'w') as f:
        f.write(f'{num_videos}\n')
    with open(f'{out_dir}/meta.json', 'w') as f:
        json.dump(dict(num_videos=num_videos, size=size, ratios=ratios,
                       seed=seed), f)


def test_generates_into_missing_or_empty_folder_and_marks_it(tmp_path):
    spec = DataSpec(fake_generator, dict(num_videos=4))
    root = tmp_path / 'new'
    meta = ensure_data(str(root), spec)
    assert meta['num_videos'] == 4 and (root / MARKER).is_file()
    marker = json.loads((root / MARKER).read_text())
    assert marker['generator'].endswith('fake_generator')
    empty = tmp_path / 'empty'
    empty.mkdir()
    assert ensure_data(str(empty), spec)['num_videos'] == 4


def test_reuses_matching_data_without_generating(tmp_path):
    spec = DataSpec(fake_generator, dict(num_videos=4, ratios=[0.5, 0.5]))
    root = tmp_path / 'd'
    root.mkdir()
    # written by someone else, same parameters (tuple vs list, int vs float)
    (root / 'meta.json').write_text(json.dumps(
        dict(num_videos=4, size=32.0, ratios=[0.5, 0.5], seed=0)))
    CALLS.clear()
    assert ensure_data(str(root), spec)['num_videos'] == 4
    assert CALLS == [] and not (root / MARKER).exists()


def test_refuses_mismatch_naming_every_differing_key(tmp_path):
    root = tmp_path / 'd'
    root.mkdir()
    (root / 'meta.json').write_text(json.dumps(
        dict(num_videos=4, size=64, ratios=[0.5, 0.5], seed=0)))
    (root / 'ann.txt').write_text('theirs\n')
    spec = DataSpec(fake_generator, dict(num_videos=8))
    with pytest.raises(DataRootError) as err:
        ensure_data(str(root), spec, regenerate=True)
    msg = str(err.value)
    assert 'num_videos: meta.json 4 != spec 8' in msg
    assert 'size: meta.json 64 != spec 32' in msg  # a generator default
    assert 'seed' not in msg and 'ratios' not in msg
    assert 'never overwritten' in msg
    # regenerate=True does not touch a folder it did not write
    assert (root / 'ann.txt').read_text() == 'theirs\n'


def test_meta_without_an_asked_key_is_named_not_a_key_error(tmp_path):
    root = tmp_path / 'd'
    root.mkdir()
    (root / 'meta.json').write_text(json.dumps(dict(size=32)))
    with pytest.raises(DataRootError, match='num_videos: not in meta.json'):
        ensure_data(str(root), DataSpec(fake_generator, dict(num_videos=8)))
    # keys only defaulted by the generator may be absent from meta.json
    assert ensure_data(str(root), DataSpec(fake_generator, {}))['size'] == 32


def test_never_writes_into_a_non_empty_foreign_folder(tmp_path):
    root = tmp_path / 'mine'
    root.mkdir()
    (root / 'notes.txt').write_text('keep me')
    with pytest.raises(DataRootError, match='has no meta.json'):
        ensure_data(str(root), DataSpec(fake_generator, {}), regenerate=True)
    assert sorted(p.name for p in root.iterdir()) == ['notes.txt']
    a_file = tmp_path / 'file'
    a_file.write_text('x')
    with pytest.raises(DataRootError, match='is a file'):
        ensure_data(str(a_file), DataSpec(fake_generator, {}))


def test_own_folder_regenerated_only_on_request_or_when_unfinished(
        tmp_path):
    root = tmp_path / 'd'
    ensure_data(str(root), DataSpec(fake_generator, dict(num_videos=4)))
    spec8 = DataSpec(fake_generator, dict(num_videos=8))
    with pytest.raises(DataRootError, match='--regenerate-data'):
        ensure_data(str(root), spec8)
    assert ensure_data(str(root), spec8, regenerate=True)['num_videos'] == 8
    assert (root / 'ann.txt').read_text() == '8\n'
    # an interrupted generation of ours (marker, no meta.json): redone
    (root / 'meta.json').unlink()
    CALLS.clear()
    assert ensure_data(str(root), spec8)['num_videos'] == 8
    assert CALLS == [str(root)]


def test_unknown_parameter_is_named_before_writing(tmp_path):
    with pytest.raises(DataRootError, match=r"unknown parameters \['frames'"):
        ensure_data(str(tmp_path / 'x'),
                    DataSpec(fake_generator, dict(frames=3)))
    assert not (tmp_path / 'x').exists()


def resolving_generator(out_dir, variant='dev', object_size=None):
    """Like the small-object generator: a None default is resolved (from
    the variant) and meta.json records the resolved value."""
    size = {'dev': 16, 'big': 24}[variant] if object_size is None \
        else object_size
    with open(f'{out_dir}/meta.json', 'w') as f:
        json.dump(dict(variant=variant, object_size=size), f)


def test_none_default_resolved_by_the_generator_is_reused(tmp_path):
    root = str(tmp_path / 'd')
    spec = DataSpec(resolving_generator, dict(variant='big'))
    assert ensure_data(root, spec)['object_size'] == 24
    # the second study over the same folder reuses it ...
    assert ensure_data(root, spec)['object_size'] == 24
    # ... while an explicit value is still checked
    with pytest.raises(DataRootError, match='object_size: meta.json 24'):
        ensure_data(root, DataSpec(resolving_generator,
                                   dict(variant='big', object_size=20)))
    with pytest.raises(DataRootError, match='variant'):
        ensure_data(root, DataSpec(resolving_generator, dict(variant='dev')))
