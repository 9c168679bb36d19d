"The `dino-nb` command and a training script start without the notebook's display machinery."
import subprocess, sys
import pytest

def _display_modules(*modules):
    "The ipywidgets, matplotlib.pyplot and IPython modules that importing `modules` loads into a fresh interpreter."
    code = (f"import sys, {', '.join(modules)}; "
            "print(' '.join(sorted({m.split('.')[0] if not m.startswith('matplotlib') else m for m in sys.modules "
            "if m.startswith(('ipywidgets', 'matplotlib.pyplot', 'IPython'))})))")
    return subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.strip()

@pytest.mark.parametrize('module', ['dino_nb.cli', 'dino_nb.train'])
def test_cli_and_train_start_without_widgets_or_pyplot(module):
    out = _display_modules(module)
    assert out == '', f'import {module} loads {out}: import them inside the functions that draw'

def test_light_modules_start_without_widgets_or_pyplot():
    "data, renderer, patch_embed and vit load no display machinery, and the renderer sits below data."
    assert _display_modules('dino_nb.data', 'dino_nb.renderer', 'dino_nb.patch_embed', 'dino_nb.vit') == ''
    code = "import sys, dino_nb.renderer; print('dino_nb.data' in sys.modules)"
    assert subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.strip() == 'False'

def test_explorer_modules_start_without_widgets_or_pyplot():
    "The modules whose notebooks have explorers import ipywidgets and pyplot only when they draw."
    out = _display_modules('dino_nb.widgets', 'dino_nb.temperature', 'dino_nb.centering', 'dino_nb.multicrop',
                           'dino_nb.ema', 'dino_nb.loss', 'dino_nb.evaluate', 'dino_nb.infra')
    assert out == '', out

def test_explorers_subclass_the_shared_base():
    from dino_nb.widgets import Explorer
    from dino_nb.temperature import TemperatureExplorer
    from dino_nb.centering import CenteringExplorer
    from dino_nb.multicrop import MultiCropExplorer
    from dino_nb.ema import MomentumExplorer
    assert all(issubclass(c, Explorer) for c in (TemperatureExplorer, CenteringExplorer, MultiCropExplorer, MomentumExplorer))
