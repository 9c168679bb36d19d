"What a plain `pip install` (not editable) ships: the package data the notebooks load in Colab."
import subprocess, sys, zipfile
from pathlib import Path

def test_wheel_ships_the_sweep_and_the_trained_networks(tmp_path):
    root = Path(__file__).parents[1]
    r = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q', '-w', str(tmp_path), str(root)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    (wheel,) = tmp_path.glob('dino_nb-*.whl')
    names = zipfile.ZipFile(wheel).namelist()
    assert 'dino_nb/collapse_sweep.json' in names and 'dino_nb/train.py' in names
    for name in ('cpu-base', 'cpu-base-supervised'):
        assert f'dino_nb/trained/{name}.pth' in names and f'dino_nb/trained/{name}.json' in names
    assert sum(i.file_size for i in zipfile.ZipFile(wheel).infolist() if '/trained/' in i.filename) <= 10 * 2**20  # <= 10 MB

def test_trained_networks_load_with_manifests():
    "Each shipped network loads offline with `weights_only=True` and says which command, commit and seed made it."
    from dino_nb.trained import load_trained, trained_names
    for name in trained_names():
        t = load_trained(name)
        m = t.manifest
        assert m['commands'][0].startswith('dino-nb fit --preset cpu-base') and len(m['commit']) == 40
        assert m['seed'] == t.cfg.seed and m['wall_s'] > 0 and not t.backbone.training
        assert 0 <= m['knn']['DINO teacher'] <= 100

def test_load_sweep_reads_the_shipped_file():
    from dino_nb.collapse import load_sweep, sweep_path, ABLATIONS
    assert sweep_path().name == 'collapse_sweep.json' and sweep_path().exists()
    records = load_sweep()
    assert set(records) == set(ABLATIONS) and all('iter' in r and 'knn' in r for r in records.values())


def test_notebooks_keep_no_widget_state():
    "Saved notebooks carry their outputs but no widget state (nbconvert --execute writes it into the metadata)."
    import json
    nbs = sorted((Path(__file__).parent.parent / 'nbs').glob('*.ipynb'))
    assert nbs
    with_state = [p.name for p in nbs if 'widgets' in json.load(open(p)).get('metadata', {})]
    assert not with_state, f'remove metadata.widgets from {with_state} (python .ci/execute_nbs.py strips it)'
    views = [p.name for p in nbs if 'application/vnd.jupyter.widget-view+json' in p.read_text()]
    assert not views, f'widget views saved in {views}: they show an error without their state'

def test_transfer_probe_script():
    "The transfer probe scores the shipped networks beside the baselines on each unseen design."
    import sys
    sys.path.insert(0, str(Path(__file__).parents[1] / 'benchmarks'))
    from transfer_probe import transfer, DESIGNS
    r = transfer(n_bank=120, n_test=60)
    assert set(r) == set(DESIGNS)
    for row in r.values():
        assert list(row) == ['chance', 'raw pixels', 'random init', 'DINO teacher', 'supervised']
        assert all(0 <= v <= 100 for v in row.values())

def test_glyph_folder_script(tmp_path):
    "The untuned folder of letters: balanced classes, 32 px RGB, train/ and test/ that `load_splits` reads as a folder."
    import torch
    sys.path.insert(0, str(Path(__file__).parents[1] / 'benchmarks'))
    from glyph_folder import make_glyph_folder, LETTERS
    from dino_nb.train import get_config, load_splits
    root = make_glyph_folder(tmp_path / 'glyphs', n_train=24, n_test=12, seed=3)
    for split, n in (('train', 24), ('test', 12)):
        counts = [len(list((root / split / c).glob('*.png'))) for c in LETTERS]
        assert counts == [n // len(LETTERS)] * len(LETTERS)
    train, bank, test = load_splits(get_config('cpu-tiny', data=str(root), knn_train=10, knn_test=6))
    assert (len(train), len(bank), len(test)) == (24, 10, 6)
    img, label = train[0]
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

def test_step_profile_script():
    "The step profiler times real steps and lists the matmuls among the operators."
    sys.path.insert(0, str(Path(__file__).parents[1] / 'benchmarks'))
    from step_profile import profile_steps
    ms, crop_ms, table = profile_steps('cpu-tiny', steps=1, warmup=1, n_train=64, n_test=16, batch_size=8,
                                       knn_train=8, knn_test=8)
    assert ms > 0 and crop_ms > 0 and 'aten::' in table
