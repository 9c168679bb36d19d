"""What the tests share: the tiny configurations, the scripts' folders on `sys.path`, and the markers.

Markers: `research` (smoke tests of the scripts in research/ and tools/: CI runs them as their own step, `pytest -m
research`) and `browser` (the real-browser widget test, tests/test_browser.py).
"""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
for folder in ('tools', 'research', 'benchmarks'):       # scripts, not packages: tests import them by file name
    if str(ROOT / folder) not in sys.path: sys.path.insert(0, str(ROOT / folder))

# the network of the tiny tests: one block, a small head, two local crops
TINY_NET = dict(depth=1, out_dim=256, hidden_dim=64, bottleneck_dim=32, n_local=2)
# a `fit` small enough for seconds on 2 cores (keyword arguments of `fit`, `preset` included)
TINY = dict(preset='cpu-tiny', **TINY_NET, n_train=256, n_test=64, knn_train=128, knn_test=64, batch_size=64,
            progress='none', precision='fp32')
# the smaller data of the probe scripts' smoke tests (DINOConfig overrides)
PROBE_RUN = dict(depth=1, n_train=128, n_test=64, knn_train=64, knn_test=64, batch_size=32)

@pytest.fixture
def tiny() -> dict:
    "A copy of `TINY`, free to change."
    return dict(TINY)

def pytest_configure(config):
    config.addinivalue_line('markers', 'research: smoke tests of the research/ and tools/ scripts (`pytest -m research`)')
    config.addinivalue_line('markers', 'browser: the widgets in a real browser (JupyterLab and headless Chromium)')
