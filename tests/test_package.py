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
    assert {'dino_nb/collapse_sweep.json', 'dino_nb/patch_sweep.json', 'dino_nb/train.py'} <= set(names)
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

def test_shipped_sweeps_match_the_code():
    "Each shipped sweep holds a record for every setting the code names, trained with the config the code builds for it."
    from dino_nb.collapse import load_sweep, sweep_path, ABLATIONS, PATCH_SIZES, SWEEPS, SWEEP_PRESET, SWEEP_SCALE, config_matches
    from dino_nb.config import get_config
    settings = {'collapse_sweep': ABLATIONS, 'patch_sweep': PATCH_SIZES}
    assert set(settings) == set(SWEEPS)
    for name, wanted in settings.items():
        assert sweep_path(name).exists(), name
        records = load_sweep(sweep_path(name))
        assert set(records) == set(wanted) and all('iter' in r and 'knn' in r for r in records.values()), name
        for n, o in wanted.items():
            assert config_matches(records[n]['config'], get_config(SWEEP_PRESET, **{**SWEEP_SCALE, **o})), (name, n)
    assert load_sweep() == load_sweep(sweep_path('collapse_sweep'))


def test_notebooks_keep_no_widget_state():
    "Saved notebooks carry their outputs but no widget state (nbconvert --execute writes it into the metadata)."
    import json
    nbs = sorted((Path(__file__).parent.parent / 'nbs').glob('*.ipynb'))
    assert nbs
    with_state = [p.name for p in nbs if 'widgets' in json.load(open(p)).get('metadata', {})]
    assert not with_state, f'remove metadata.widgets from {with_state} (python .ci/execute_nbs.py strips it)'
    views = [p.name for p in nbs if 'application/vnd.jupyter.widget-view+json' in p.read_text()]
    assert not views, f'widget views saved in {views}: they show an error without their state'
