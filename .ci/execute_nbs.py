"""Run notebooks top to bottom and save their outputs, skipping the cells flagged like `nbdev_test` does.

Figures teach, so the notebooks keep their outputs. Usage: `python .ci/execute_nbs.py nbs/03_temperature.ipynb`
(several paths allowed). Cells flagged `#| cuda`, `#| online`, `#| notest` are skipped; `#| slow` cells run only
with `--slow`. `IN_TEST` stays unset, so the notebooks run their real (not test-sized) defaults unless `--test`.
Widget views are dropped from the saved outputs (their state is never saved), then `nbdev_clean` tidies up.
"""
import argparse, os, re, subprocess, sys, time
from pathlib import Path

WIDGET_MIME = 'application/vnd.jupyter.widget-view+json'

def _strip_widgets(nb):
    "Drop widget views from outputs: a saved notebook holds no widget state, and a view without state shows an error."
    for cell in nb.cells:
        for out in cell.get('outputs', []):
            data = out.get('data')
            if data and WIDGET_MIME in data:
                data.pop(WIDGET_MIME)
                data['text/plain'] = '(an interactive widget: run the notebook to use it)'
    nb.metadata.pop('widgets', None)

def _directives(cell):
    "The `#| name value` lines at the top of a cell, as {name: [values]} (nbdev's convention)."
    out = {}
    for line in cell.source.splitlines():
        if not line.strip(): continue
        m = re.match(r'^\s*#\s*\|\s*(\S+)(.*)$', line)
        if not m: break
        out[m.group(1)] = m.group(2).split()
    return out

def execute(path, skip, test=False):
    "Execute the notebook at `path` in place, skipping cells whose flags are in `skip`."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    if test: os.environ['IN_TEST'] = '1'
    else: os.environ.pop('IN_TEST', None)
    path = Path(path).resolve()
    nb = read_nb(path)
    def _skip(cell):
        if cell.cell_type != 'code': return True
        direc = _directives(cell)
        if direc.get('eval:', [''])[0].lower() == 'false' or skip & direc.keys():
            cell.outputs = []
            return True
        cell.outputs = []      # execnb keeps a cell's old outputs when the new run prints nothing: start clean
        return False
    shell = CaptureShell(path)
    cwd = os.getcwd()
    os.chdir(path.parent)
    try: shell.run_all(nb, exc_stop=True, preproc=_skip)
    except Exception:
        sys.stderr.write(shell.prettytb(fname=path) + '\n')
        raise
    finally: os.chdir(cwd)
    _strip_widgets(nb)
    nb.metadata = {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}}
    write_nb(nb, path)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('paths', nargs='+')
    ap.add_argument('--slow', action='store_true', help='also run #| slow cells')
    ap.add_argument('--test', action='store_true', help='set IN_TEST (small, test-sized runs)')
    a = ap.parse_args()
    skip = {'cuda', 'online', 'notest'} | (set() if a.slow else {'slow'})
    for p in a.paths:
        t = time.time()
        execute(p, skip, a.test)
        print(f'{p}: executed in {time.time()-t:.1f}s')
    subprocess.run(['nbdev_clean'], check=True)
