"""Write README.md from nbs/index.ipynb (the front page), or check that they say the same.

quarto, which `nbdev_readme` needs, cannot be installed here, so this does the same job plainly: markdown cells
are copied, shown code cells become fenced blocks with their text outputs, and links relative to nbs/ are
rewritten to be relative to the repository root. `python .ci/readme.py` writes README.md;
`python .ci/readme.py --check` exits 1 when README.md differs from what index.ipynb says.
"""
import argparse, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = '<!-- Generated from nbs/index.ipynb by .ci/readme.py: edit the notebook, not this file. -->\n\n'

def _src(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']

def _fix_links(md):
    "Rewrite links relative to nbs/ so that they work from the repository root."
    md = re.sub(r'\]\(\.\./', '](', md)                                   # ../images/x.png -> images/x.png
    md = re.sub(r'\]\((\d\d_[\w-]+\.ipynb)\)', r'](nbs/\1)', md)          # 00_data.ipynb -> nbs/00_data.ipynb
    md = re.sub(r'src="\.\./', 'src="', md)
    return md

def _code(cell):
    src = _src(cell)
    if re.match(r'\s*#\s*\|\s*(hide|export)', src): return ''
    out = [f'```python\n{src.strip()}\n```']
    for o in cell.get('outputs', []):
        text = o.get('text') or o.get('data', {}).get('text/plain')
        if text: out.append('```\n' + (''.join(text) if isinstance(text, list) else text).rstrip() + '\n```')
    return '\n\n'.join(out)

def render(nb_path=ROOT / 'nbs' / 'index.ipynb'):
    "The README text that `nb_path` says."
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    parts = []
    for c in nb['cells']:
        part = _fix_links(_src(c)) if c['cell_type'] == 'markdown' else _code(c) if c['cell_type'] == 'code' else ''
        if part.strip(): parts.append(part.strip())
    return HEADER + '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--check', action='store_true', help='fail if README.md is out of date')
    a = ap.parse_args()
    want, readme = render(), ROOT / 'README.md'
    if a.check:
        have = readme.read_text(encoding='utf-8') if readme.exists() else ''
        if have != want:
            sys.exit('README.md is out of sync with nbs/index.ipynb: run `python .ci/readme.py` and commit README.md')
        print('README.md matches nbs/index.ipynb')
    else:
        readme.write_text(want, encoding='utf-8')
        print('wrote README.md')
