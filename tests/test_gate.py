"""`dino-nb gate FOLDER`: the supervised ceiling beside both baselines, with a one-line verdict, on a folder made here."""
import subprocess
from pathlib import Path

import torch
from PIL import Image

def _folder(root:Path, n:int=24) -> Path:
    "Two classes a network learns at once: a bright square on the left or on the right, on a noisy background."
    g = torch.Generator().manual_seed(0)
    for split, m in (('train', n), ('test', n // 2)):
        for c, name in enumerate(('left', 'right')):
            (root / split / name).mkdir(parents=True, exist_ok=True)
            for i in range(m):
                x = (torch.rand(32, 32, 3, generator=g) * 80).byte()
                x[10:22, 2 + 16 * c:14 + 16 * c] = 230
                Image.fromarray(x.numpy()).save(root / split / name / f'{i}.png')
    return root

SMALL = ['--set', 'depth=1', 'knn_train=24', 'knn_test=24', 'batch_size=16']

def test_gate_command_prints_ceiling_baselines_and_verdict(tmp_path):
    data = _folder(tmp_path / 'lr')
    r = subprocess.run(['dino-nb', 'gate', str(data), '--images', '320'] + SMALL, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    for word in ('supervised', 'raw pixels', 'random init', 'chance'): assert word in r.stdout
    last = r.stdout.strip().splitlines()[-1]
    assert ('learnable at this budget' in last) or ('cannot learn these images' in last), last
    chance = float(next(l for l in r.stdout.splitlines() if 'chance' in l).split()[-1].rstrip('%'))
    assert chance == 50.0

def test_gate_bad_folder_is_one_line(tmp_path):
    r = subprocess.run(['dino-nb', 'gate', str(tmp_path / 'nothing-here')] + SMALL, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and r.stderr.startswith('dino-nb:') and 'Traceback' not in r.stderr, r.stderr[-1000:]
