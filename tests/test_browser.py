"""The widgets in a real browser: JupyterLab + headless Chromium run 03_temperature and 04_centering, move a slider,
and check that the plot is redrawn. Saves the screenshots (temperature_widget.png, centering_widget.png) to the
pytest temp folder, or into images/ (the README shows them) when DINO_NB_UPDATE_SCREENSHOTS=1.

Needs Chromium at /usr/bin/chromium (Debian: `apt-get install -y chromium`) and the `playwright` Python package
(its own browser download is not used: no `playwright install`). Skipped when either is missing.
"""
import json, os, re, secrets, socket, subprocess, sys, time, urllib.request
from pathlib import Path
import pytest

CHROMIUM = '/usr/bin/chromium'
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run']
REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = ['03_temperature.ipynb', '04_centering.ipynb']
TIMEOUT_MS = 90_000  # one notebook, run all cells, on a busy 2-core machine
pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists(): pytest.skip(f'{CHROMIUM} not found: apt-get install -y chromium', allow_module_level=True)
sync_api = pytest.importorskip('playwright.sync_api', reason='pip install playwright (no `playwright install` needed)')

def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]

def _copy_notebooks(root):
    "Copy the notebooks to `root/nbs` with a python3 kernelspec, so JupyterLab does not ask for a kernel."
    (root / 'nbs').mkdir(parents=True)
    for name in NOTEBOOKS:
        nb = json.loads((REPO / 'nbs' / name).read_text())
        nb['metadata']['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
        (root / 'nbs' / name).write_text(json.dumps(nb))

def _settings(settings_dir):
    "JupyterLab user settings: no news pop-up (it could cover a screenshot), every cell kept in the page (no windowing)."
    for plugin, values in [('apputils-extension/notification', {'fetchNews': 'false', 'checkForUpdates': False}),
                           ('notebook-extension/tracker', {'windowingMode': 'none'})]:
        path = settings_dir / '@jupyterlab' / f'{plugin}.jupyterlab-settings'
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))

def _wait_until_up(url, proc, timeout=60):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None: raise RuntimeError(f'jupyter lab exited with code {proc.returncode}')
        try:
            with urllib.request.urlopen(url, timeout=2): return
        except OSError: time.sleep(0.3)
    raise TimeoutError(f'jupyter lab did not answer at {url} within {timeout} s')

@pytest.fixture(scope='module')
def lab(tmp_path_factory):
    "A JupyterLab server on a free localhost port over a temporary copy of the notebooks; yields its base URL and token."
    tmp = tmp_path_factory.mktemp('lab')
    _copy_notebooks(tmp / 'root')
    _settings(tmp / 'settings')
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / 'config'), JUPYTERLAB_SETTINGS_DIR=str(tmp / 'settings'),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / 'workspaces'), PYTHONPATH=str(REPO))
    env.pop('IN_TEST', None)  # the notebooks run their real defaults, as a reader sees them
    env.pop('MPLBACKEND', None)  # a forced backend (e.g. Agg) would stop the kernel's inline figures
    log = open(tmp / 'jupyter.log', 'w')
    proc = subprocess.Popen([sys.executable, '-m', 'jupyter', 'lab', '--allow-root', '--no-browser', '--ip=127.0.0.1',
                             f'--port={port}', f'--ServerApp.token={token}', f'--ServerApp.root_dir={tmp / "root"}',
                             '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f'http://127.0.0.1:{port}'
        _wait_until_up(f'{base}/api/status?token={token}', proc)
        yield base, token
    finally:
        proc.terminate()
        try: proc.wait(20)
        except subprocess.TimeoutExpired: proc.kill(); proc.wait()
        log.close()

@pytest.fixture(scope='module')
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try: yield b
        finally: b.close()

def _run_all(page, base, token, name):
    "Open notebook `name`, wait for its kernel, run all cells, wait until every code cell has run without error."
    # a workspace of its own, so the page shows this notebook only (no tab restored from an earlier test)
    page.goto(f'{base}/lab/workspaces/{Path(name).stem}/tree/nbs/{name}?token={token}')
    page.get_by_text(re.compile(r'\(ipykernel\) \| Idle')).wait_for(timeout=TIMEOUT_MS)
    page.get_by_role('menuitem', name='Run', exact=True).click()
    page.get_by_role('menuitem', name='Run All Cells', exact=True).click()
    # until every code cell shows an execution count (none shows [*], queued or running) or one shows an error
    try: page.wait_for_function("""() => {
        if (document.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) return true;
        const ps = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
        return ps.length > 0 && ps.every(p => /^\\[\\d+\\]:$/.test(p));
    }""", timeout=TIMEOUT_MS, polling=500)
    except sync_api.TimeoutError:
        prompts = page.locator('.jp-CodeCell .jp-InputPrompt').all_inner_texts()
        raise AssertionError(f'{name}: cells still not run after {TIMEOUT_MS / 1000:.0f} s; prompts: {prompts}') from None
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]', has_text='Traceback')
    assert errors.count() == 0, errors.first.inner_text()[-3000:]

def _move_slider(page, widget, label, key, readout):
    "Press `key` on the slider labelled `label`; wait for its readout, then for a new plot. The plot's PNGs before, after."
    plot = widget.locator('.widget-output img')
    plot.wait_for(timeout=TIMEOUT_MS)
    before_src, before = plot.get_attribute('src'), plot.screenshot()
    slider = widget.locator('.widget-slider', has=page.locator('label', has_text=label))
    slider.locator('.noUi-handle').focus()
    page.keyboard.press(key)
    sync_api.expect(slider.locator('.widget-readout')).to_have_text(readout, timeout=TIMEOUT_MS)
    page.wait_for_function("""([root, src]) => {
        const img = root.querySelector('.widget-output img');
        return img !== null && img.complete && img.getAttribute('src') !== src;
    }""", arg=[widget.element_handle(), before_src], timeout=TIMEOUT_MS, polling=200)
    return before, plot.screenshot()

def _explorer(page, label):
    "The displayed explorer widget (a VBox) that holds the slider labelled `label`."
    return page.locator('.widget-vbox', has=page.locator('.widget-slider label', has_text=label)).first

@pytest.mark.parametrize('name, label, key, readout, png', [
    ('03_temperature.ipynb', 'teacher τ', 'Home', '0.010', 'temperature_widget.png'),  # τt down to 0.01: one-hot
    ('04_centering.ipynb', 'momentum', 'End', '0.999', 'centering_widget.png'),         # a slow centre: collapse
])
def test_slider_redraws_plot(lab, browser, name, label, key, readout, png, tmp_path):
    page = browser.new_page(viewport={'width': 1400, 'height': 1000})
    try:
        _run_all(page, *lab, name)
        widget = _explorer(page, label)
        before, after = _move_slider(page, widget, label, key, readout)
        assert before != after, f'{name}: the plot did not change after moving {label!r}'
        folder = REPO / 'images' if os.environ.get('DINO_NB_UPDATE_SCREENSHOTS') == '1' else tmp_path
        widget.screenshot(path=str(folder / png))
        assert (folder / png).stat().st_size > 1000
    finally: page.close()
