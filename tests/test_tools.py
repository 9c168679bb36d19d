"""The tools that build shipped files: tools/make_trained.py (the networks in dino_nb/trained/) and
tools/run_jaccard.py (their attention measure on any run folder). Marked `research`, as the probes: CI runs them
as their own step (`pytest -m research`)."""
import json, subprocess, sys
from pathlib import Path

import pytest
import torch

from dino_nb.train import fit

pytestmark = pytest.mark.research
TOOLS = Path(__file__).resolve().parents[1] / 'tools'

def test_make_trained_and_run_jaccard(tmp_path, tiny):
    """make_trained.py turns a run folder into two loadable networks whose manifests say how they were made;
    run_jaccard.py scores the run folder with the manifests' attention measure."""
    run = tmp_path / 'run'
    fit(epochs=1, out_dir=str(run), **tiny)
    r = subprocess.run([sys.executable, str(TOOLS / 'make_trained.py'), str(run), '--fit-command', 'dino-nb fit (tiny)', '--commit', 'a' * 40,
                        '--n-eval', '16', '--out', str(tmp_path / 'out')], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    from dino_nb.train import knn_eval, eval_sets
    from dino_nb.trained import load_trained
    d, s = load_trained('cpu-base', tmp_path / 'out'), load_trained('cpu-base-supervised', tmp_path / 'out')
    m = d.manifest
    assert m['commands'][0] == 'dino-nb fit (tiny)' and m['commit'] == 'a' * 40 and m['seed'] == d.cfg.seed
    assert s.manifest['steps'] == len(m['history']['iter']['loss']) and s.classifier.out_features == len(s.manifest['classes'])
    assert set(m['knn']) == {'DINO teacher', 'supervised', 'chance', 'raw pixels', 'random init'}
    assert set(m['jaccard_64px']) == {'DINO teacher', 'supervised', 'random init'} and m['jaccard_images'] == 16
    bank, test = eval_sets(d.cfg)                                   # the manifest's k-NN is the loaded weights'
    assert abs(knn_eval(d.backbone, bank, test, d.cfg, torch.device('cpu')) - m['knn']['DINO teacher']) < 0.051
    assert d.head is not None and d.center.shape == (1, d.cfg.out_dim)             # the teacher's head and centre ship
    # --keep-supervised makes the DINO files again and keeps the supervised twin as it is
    sup_bytes = (tmp_path / 'out' / 'cpu-base-supervised.pth').read_bytes()
    r = subprocess.run([sys.executable, str(TOOLS / 'make_trained.py'), str(run), '--fit-command', 'dino-nb fit (tiny)', '--commit', 'b' * 40,
                        '--n-eval', '16', '--out', str(tmp_path / 'out'), '--keep-supervised'], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (tmp_path / 'out' / 'cpu-base-supervised.pth').read_bytes() == sup_bytes
    assert load_trained('cpu-base', tmp_path / 'out').manifest['commit'] == 'b' * 40
    # refused, before anything is written, when the kept twin's config differs in a field it reads (20's `twin_key`)
    man = tmp_path / 'out' / 'cpu-base-supervised.json'
    m2 = json.loads(man.read_text()); m2['config']['seed'] += 1; man.write_text(json.dumps(m2))
    dino_bytes = (tmp_path / 'out' / 'cpu-base.pth').read_bytes()
    r = subprocess.run([sys.executable, str(TOOLS / 'make_trained.py'), str(run), '--fit-command', 'x', '--out', str(tmp_path / 'out'),
                        '--keep-supervised'], capture_output=True, text=True, timeout=600)
    assert r.returncode != 0 and 'another config' in r.stderr and (tmp_path / 'out' / 'cpu-base.pth').read_bytes() == dino_bytes
    # run_jaccard.py scores a run folder with the manifest's measure: the same images, the run's fp32 teacher
    r = subprocess.run([sys.executable, str(TOOLS / 'run_jaccard.py'), str(run), '--n-eval', '16'],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    j = json.loads(r.stdout.strip().splitlines()[-1])
    assert j['images'] == 16 and len(j['per head']) == d.backbone.blocks[0].attn.num_heads and 0 <= j['best head'] <= 100
    assert abs(j['best head'] - m['jaccard_64px']['DINO teacher']['best head']) < 5   # fp32 run vs fp16 shipped weights
