"""Smoke tests of the probes in research/ (and of the data folder they read): each runs on tiny data and reports
numbers of the right shape. Marked `research`: CI runs them as their own step (`pytest -m research`)."""
import json, subprocess, sys
from pathlib import Path

import pytest
import torch

import dino_nb.train as train
from dino_nb.train import FitResult
from conftest import PROBE_RUN

pytestmark = pytest.mark.research
RESEARCH = Path(__file__).resolve().parents[1] / 'research'

def test_transfer_probe_script():
    "The transfer probe scores the shipped networks beside the baselines on each unseen design."
    from transfer_probe import transfer, DESIGNS
    r = transfer(n_bank=120, n_test=60)
    assert set(r) == set(DESIGNS)
    for row in r.values():
        assert list(row) == ['chance', 'raw pixels', 'random init', 'DINO teacher', 'supervised']
        assert all(0 <= v <= 100 for v in row.values())

def test_glyph_folder_transfer_and_learnability(tmp_path):
    """The untuned folder of letters: balanced classes, 32 px RGB, train/ and test/ that `load_splits` reads as a
    folder; the transfer probe and the learnability gate read it."""
    from glyph_folder import make_glyph_folder, LETTERS
    root = make_glyph_folder(tmp_path / 'glyphs', n_train=24, n_test=12, seed=3)
    for split, n in (('train', 24), ('test', 12)):
        counts = [len(list((root / split / c).glob('*.png'))) for c in LETTERS]
        assert counts == [n // len(LETTERS)] * len(LETTERS)
    tr, bank, test = train.load_splits(train.get_config('cpu-tiny', data=str(root), knn_train=10, knn_test=6))
    assert (len(tr), len(bank), len(test)) == (24, 10, 6)
    img, label = tr[0]
    assert img.dtype == torch.uint8 and tuple(img.shape) == (3, 32, 32) and 0 <= label < len(LETTERS)
    assert img.float().std() > 5                           # letters and noise, not a blank image
    again = make_glyph_folder(tmp_path / 'again', n_train=24, n_test=12, seed=3)
    assert (again / 'train/A/00000.png').read_bytes() == (root / 'train/A/00000.png').read_bytes()  # seeded
    from transfer_probe import transfer_folder
    row = transfer_folder(root, n_bank=12, n_test=6)          # the shipped networks, frozen, on the folder
    assert list(row) == ['chance', 'raw pixels', 'random init', 'DINO teacher', 'supervised']
    assert row['chance'] == round(100 / len(LETTERS), 1) and all(0 <= v <= 100 for v in row.values())
    from learnability import gate                              # the learnability gate reads a folder into memory
    g = gate(images=64, data=str(root), batch_size=8, knn_train=12, knn_test=6)
    assert g['steps'] == 8 and g['chance'] == round(100 / len(LETTERS), 1)
    assert all(0 <= g[k] <= 100 for k in ('supervised_acc', 'supervised_knn', 'raw_pixels_knn', 'random_init_knn'))

def test_ssl_sanity_script():
    "The SimCLR diagnostic: its loss prefers matching views, and a tiny run reports one k-NN per epoch."
    from ssl_sanity import nt_xent, simclr_knn
    z = torch.randn(16, 8)
    assert nt_xent(torch.cat([z[:8], z[:8]]) * 5) < nt_xent(z) - 1
    r = simclr_knn(**PROBE_RUN, epochs=2)
    assert r['steps'] == 8 and len(r['knn']) == 2 and all(0 <= k <= 100 for k in r['knn'])

def test_what_it_learned_script(tmp_path):
    "The attribute diagnostic re-draws the run's Shapes exactly and scores every attribute for every feature."
    from what_it_learned import attribute_knn
    train.fit('shapes', preset='cpu-tiny', out_dir=str(tmp_path), epochs=1, **PROBE_RUN, n_local=2, progress='none',
              shapes={'classes': ['circle', 'square', 'star'], 'rotate': False})
    t = attribute_knn(tmp_path)
    assert set(t) == {'teacher', 'random init', 'raw pixels', 'chance'}
    assert all(set(r) == set(t['chance']) and all(0 <= v <= 100 for v in r.values()) for r in t.values())
    assert t['chance']['shape'] >= 100 / 3 - 1e-6   # three balanced classes: the largest is at least a third
    res = FitResult.load(tmp_path)                  # its shape column is the run's own k-NN (images normalised once)
    _, bank, test = train.load_splits(res.cfg)
    k = train.knn_eval(res.teacher, train.EvalImages(bank, 32), train.EvalImages(test, 32), res.cfg, torch.device('cpu'))
    assert abs(t['teacher']['shape'] - k) < 0.051, (t['teacher']['shape'], k)

def test_what_it_learned_attributes_of_several_objects():
    "On a design with several objects an image, the diagnostic's columns are their count, size and brightness."
    from what_it_learned import attributes
    from dino_nb.data import SCATTER, Shapes
    cfg = train.get_config('cpu-tiny', shapes=json.loads(json.dumps(SCATTER)), n_train=200)
    a = attributes(cfg, 'train', 200)
    assert set(a) == {'shape', 'object count', 'object size', 'object brightness', 'background brightness'}
    assert torch.equal(a['shape'], Shapes(200, 32, seed=0, **SCATTER).labels)
    assert set(a['object count'].tolist()) == {0, 1, 2, 3}                    # 3..6 objects, counted from the fewest
    assert all(set(a[k].tolist()) == {0, 1, 2, 3} for k in ('object size', 'object brightness'))

def test_dynamics_probe_script(tmp_path):
    "The probe script patches in BatchNorm in the head and Sinkhorn targets, trains a tiny run and reports its numbers."
    args = ['epochs=1', *(f'{k}={v}' for k, v in PROBE_RUN.items()), 'n_local=2', f'out_dir={tmp_path}', '+bn', '+sk']
    out = subprocess.run([sys.executable, str(RESEARCH / 'dynamics_probe.py'), *args], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout
    r = json.loads(out.strip().splitlines()[-1])
    assert r['flags'] == ['+bn', '+sk'] and len(r['h']) == 1 and 0 < r['h'][0] <= r['logK'] + 1e-6
    assert len(r['teacher']) == 1 and 0 <= r['teacher'][0] <= 100
