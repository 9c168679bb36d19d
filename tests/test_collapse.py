"""One collapse detector: `collapse_kind` (dino_nb.temperature) behind `collapse_message` (train), `collapse_verdict`
(collapse) and `centering_regime` (centering); the shipped sweep's verdicts and preset; the lab's import."""
import json, math, subprocess, sys
import pytest
from dino_nb.temperature import collapse_kind, UNIFORM_WALL, ONE_HOT_WALL, NO_SIGNAL_KL

LK = math.log(256)

@pytest.mark.parametrize('h, hb, kl, kind', [
    (0.98 * LK, LK, 0.01, 'uniform collapse'),
    (0.97 * LK, LK, 0.13, 'not collapsed'),          # at the wall, still teaching (τt = 0.04 in the sweep)
    (0.02, 0.05, 0.02, 'one-hot collapse'),
    (0.06 * LK, 0.18 * LK, 0.55, 'one-hot collapse'),  # on its way: KL left
    (0.77 * LK, 0.92 * LK, 0.69, 'not collapsed'),   # DINO
    (0.35 * LK, 0.47 * LK, 0.58, 'not collapsed'),   # centre m = 0.99
])
def test_collapse_kind(h, hb, kl, kind):
    assert collapse_kind(h, hb, kl, LK) == kind

def test_thresholds_are_the_boundaries():
    assert collapse_kind(UNIFORM_WALL * LK, LK, NO_SIGNAL_KL / 2, LK) == 'uniform collapse'
    assert collapse_kind(UNIFORM_WALL * LK, LK, NO_SIGNAL_KL, LK) == 'not collapsed'
    assert collapse_kind(0.5, ONE_HOT_WALL * LK, 1., LK) == 'one-hot collapse'
    assert collapse_kind(0.5, ONE_HOT_WALL * LK + 1e-6, 1., LK) == 'not collapsed'

def test_the_three_callers_agree():
    import torch
    from dino_nb.train import collapse_message
    from dino_nb.collapse import collapse_verdict
    from dino_nb.centering import centering_regime
    words = {'not collapsed': 'balanced', 'uniform collapse': 'collapse: uniform', 'one-hot collapse': 'collapse: one dimension wins'}
    for h, hb, kl in [(0.98 * LK, LK, 0.01), (0.97 * LK, LK, 0.13), (0.02, 0.05, 0.6), (0.77 * LK, 0.92 * LK, 0.69)]:
        kind = collapse_kind(h, hb, kl, LK)
        msg = collapse_message(h, hb, kl, LK)
        assert (msg.split(':')[0] if msg else 'not collapsed') == kind
        hist = {'log_K': LK, 'iter': {'teacher_entropy': [h] * 8, 'teacher_batch_entropy': [hb] * 8, 'kl': [kl] * 8}}
        assert collapse_verdict(hist)['verdict'] == kind
        toy = {'probs': torch.full((20, 256), 1 / 256), 'entropy': torch.full((20,), h),
               'marginal_entropy': torch.full((20,), hb), 'kl': torch.full((20,), kl)}
        assert centering_regime(toy) == words[kind]

def test_shipped_sweep_verdicts_and_preset():
    from dino_nb.collapse import load_sweep, sweep_path, collapse_verdict, config_matches, SWEEP_PRESET, SWEEP_SCALE
    from dino_nb.config import get_config
    records = load_sweep()
    V = {n: collapse_verdict(r)['verdict'] for n, r in records.items()}
    assert V['DINO'] == 'not collapsed' and V['centering only'] == 'uniform collapse'
    assert V['sharpening only'] == V['centre m = 0.999'] == 'one-hot collapse'
    assert V['τt = 0.04'] == 'not collapsed' and V['τt = 0.06'] == V['τt = 0.08'] == 'uniform collapse'
    assert json.loads(sweep_path().read_text())['preset'] == SWEEP_PRESET == 'cpu-base'
    for r in records.values():
        assert r['preset'] == 'cpu-base' and config_matches(r['config'], get_config('cpu-base', **{**SWEEP_SCALE, **r['overrides']}))

def test_collapse_module_imports_no_pyplot_and_keeps_the_lab():
    code = ("import sys, dino_nb.collapse as c; from dino_nb.collapse import CollapseLab; from dino_nb.widgets import Explorer; "
            "assert issubclass(CollapseLab, Explorer); "
            "print(' '.join(m for m in ('matplotlib.pyplot', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == '', out
