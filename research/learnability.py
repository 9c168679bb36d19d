"""The learnability gate: can the CPU preset's ViT learn its data *with labels* in the DINO run's image budget?

For a preset's data, backbone and global crops it measures, side by side:
- the supervised ceiling: the same ViT from the same initial weights (the DINO run's seed), plus a linear
  classifier, trained with labels for `images / batch` steps (`images`: by default what the DINO run sees,
  epochs x iterations x batch), each on the two global crops of `batch` images: the DINO run's image draws. AdamW with linear warm-up then cosine; scored on the
  held-out test images (centre view) by the classifier and by the same weighted k-NN the DINO run reports;
- raw-pixel k-NN and random-init k-NN (the run's two baselines).
A task fit for a minutes-long DINO run has a high ceiling (the network *can* learn it) and low baselines (it
*must* learn features to score). Gate: ceiling >= 90 %, raw pixels <= 35 %.
The DINO run's global crops can be small (cpu-tiny's cut 20-50 % of the image), which handicaps a classifier scored
on whole images; `--set 'global_scale=[0.8,1.0]'` gives it a classifier's crops (only the supervised run uses them).

    python research/learnability.py                                  # cpu-tiny as it is
    python research/learnability.py --set 'shapes={"clutter": 0}' --lr 1e-3 --json
    python research/learnability.py --images 8000                   # a smaller image budget
    python research/learnability.py --set 'global_scale=[0.8,1.0]'   # the classifier on 80-100 % crops
    python research/learnability.py --set data=/tmp/glyphs          # a folder of images (read into memory)
"""
import argparse, json, time, warnings

from dino_nb.cli import parse_value
from dino_nb.supervised import learnability_gate

def gate(preset='cpu-tiny', lr=1e-3, images=None, **over):
    "The learnability numbers of `preset` with `over`rides, as a dict (the library's `learnability_gate`, the run's crops)."
    warnings.simplefilter('ignore')
    data = over.pop('data', 'shapes')
    t0 = time.time()
    r = learnability_gate(data, preset, images, lr, crops=None, **over)   # crops=None: the DINO run's global crops
    raw, rnd, acc = r['raw pixels'], r['random init'], r['supervised']
    return dict(preset=preset, overrides=over, images=r['images'], steps=r['steps'], lr=lr, chance=round(r['chance'], 1),
                supervised_acc=round(acc, 1), supervised_knn=round(r['supervised k-NN'], 1), raw_pixels_knn=round(raw, 1),
                random_init_knn=round(rnd, 1), supervised_s=round(time.time() - t0, 1), gate_met=bool(acc >= 90 and raw <= 35))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--preset', default='cpu-tiny')
    ap.add_argument('--lr', type=float, default=1e-3, help='peak AdamW lr of the supervised run')
    ap.add_argument('--images', type=int, help="image budget (default: what the preset's DINO run sees)")
    ap.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help='DINOConfig overrides, values as JSON')
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    over = {k: parse_value(v) for k, v in (kv.split('=', 1) for kv in a.set)}
    r = gate(a.preset, a.lr, a.images, **over)
    if a.json: print(json.dumps(r))
    else:
        for k, v in r.items(): print(f'{k:<18} {v}')
