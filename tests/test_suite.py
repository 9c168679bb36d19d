"""The generalization suite's data (tools/suite_data.py) and table (benchmarks/generalization.py)."""
import subprocess, sys
from pathlib import Path

import pytest
import torch

BENCH = Path(__file__).parents[1] / 'benchmarks'
import suite_data, generalization                                    # noqa: E402  (benchmarks/ is on sys.path: conftest.py)

@pytest.mark.parametrize('name', [s for s in suite_data.SETS if s != 'letters-folder'])
def test_each_set_is_a_folder_the_loader_reads(tmp_path, name):
    from dino_nb.train import get_config, load_splits
    folder = suite_data.write_set(name, tmp_path, n_train=20, n_test=10)
    n_classes = len(list((folder / 'train').iterdir()))
    assert n_classes == 10 and len(list((folder / 'test').glob('*/*.png'))) == 10
    train, bank, test = load_splits(get_config('cpu-tiny', data=str(folder), knn_train=20, knn_test=10))
    x, y = train[0]
    assert x.shape == (3, 32, 32) and x.dtype == torch.uint8 and len(train) == 20 and 0 <= y < n_classes
    assert x.float().std() > 5                                          # a picture, not a blank square

def test_sets_are_seeded_and_colour_varies(tmp_path):
    a = suite_data.write_set('letters-photo', tmp_path / 'a', n_train=10, n_test=10)
    b = suite_data.write_set('letters-photo', tmp_path / 'b', n_train=10, n_test=10)
    for fa, fb in zip(sorted(a.glob('train/*/*.png')), sorted(b.glob('train/*/*.png'))):
        assert fa.read_bytes() == fb.read_bytes()                      # the same seed, the same images
    colours = {suite_data.random_colour(__import__('random').Random(i)) for i in range(50)}
    assert len(colours) == 50                                          # colour says nothing about the class

def test_table_shows_the_newest_result_and_the_gap(tmp_path):
    rows = [dict(set='letters-photo', budget='tiny', job='baselines', over={}, result={'raw_pixels': 19.4, 'random_init': 11.3}),
            dict(set='letters-photo', budget='tiny', job='dino', over={}, result={'teacher': [10.0, 12.0], 'student': 12, 'h': 1, 'kl': 1, 'log_K': 5.55}),
            dict(set='letters-photo', budget='tiny', job='dino', over={}, result={'teacher': [20.0, 30.0], 'student': 31, 'h': 1, 'kl': 1, 'log_K': 5.55})]
    t = generalization.table(rows)
    assert '| letters-photo | tiny |' in t and '20.0, 30.0' in t and '+10.6' in t and '10.0, 12.0' not in t

def test_held_out_sets_are_refused_without_the_flag(tmp_path):
    r = subprocess.run([sys.executable, str(BENCH / 'generalization.py'), '--root', str(tmp_path), '--sets', 'icons-photo',
                        '--results', str(tmp_path / 'r.jsonl')], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and 'held out' in r.stderr and not (tmp_path / 'r.jsonl').exists()

def test_cnn_reference_trains_and_scores(tmp_path):
    from dino_nb.train import get_config
    folder = suite_data.write_set('textures', tmp_path, n_train=40, n_test=10)
    r = generalization.cnn_accuracy(get_config('cpu-tiny', data=str(folder), knn_train=20, knn_test=10), images=64)
    assert 0 <= r['cnn_acc'] <= 100 and r['images'] == 64
    assert sum(p.numel() for p in generalization.small_cnn(10).parameters()) > 300_000   # the 4-block CNN it names
