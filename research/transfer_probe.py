"""k-NN of the shipped cpu-base networks (trained on SCATTER) on data they never saw: frozen features, no training.

    python research/transfer_probe.py              # 3 000 bank / 1 000 test images per Shapes design below
    python research/transfer_probe.py --folder /tmp/glyphs   # a folder of images (tools/glyph_folder.py makes one)
"""
import argparse, dataclasses, json
from dino_nb.train import load_splits
from dino_nb.trained import load_trained
from dino_nb.supervised import init_backbone
from dino_nb.data import Shapes
from dino_nb.evaluate import knn_baselines

DESIGNS = {
    'gray 2-4 objects, 6 classes, plain/gradient': dict(classes=['circle', 'triangle', 'square', 'star', 'cross', 'ring'],
        count=(2, 4), colours='gray', background=('plain', 'gradient'), clutter=0, rotate=False, scale=(0.22, 0.38)),
    'one object, 9 upright classes, random colours': dict(classes=['circle', 'ring', 'crescent', 'triangle', 'square',
        'diamond', 'star', 'cross', 'arrow'], rotate=False),
}

def _scores(d, s, bank, test) -> dict:
    "{row: k-NN %} of chance, raw pixels, random init and the shipped DINO teacher `d` and supervised `s` on one set."
    t = knn_baselines(lambda: init_backbone(d.cfg), bank, test, probe=False,
                      models={'DINO teacher': d.backbone, 'supervised': s.backbone})
    return {k: round(v['k-NN'], 1) for k, v in t.items()}

def transfer(n_bank:int=3000, n_test:int=1000) -> dict:
    "{design: {row: k-NN %}}: chance, raw pixels, random init and the two shipped networks, on each design."
    d, s = load_trained('cpu-base'), load_trained('cpu-base-supervised')
    return {name: _scores(d, s, *Shapes.splits(n_bank, n_test, size=d.cfg.source_size, seed=0, **sh))
            for name, sh in DESIGNS.items()}

def transfer_folder(root, n_bank:int=3000, n_test:int=1000) -> dict:
    "{row: k-NN %} on a folder of images, with the bank and test images a `dino-nb fit --data root` run would score."
    d, s = load_trained('cpu-base'), load_trained('cpu-base-supervised')
    _, bank, test = load_splits(dataclasses.replace(d.cfg, data=str(root), knn_train=n_bank, knn_test=n_test))
    return _scores(d, s, bank, test)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n-bank', type=int, default=3000); ap.add_argument('--n-test', type=int, default=1000)
    ap.add_argument('--folder', help='score a folder of images (root/class/*.png, or root/train and root/test) instead')
    a = ap.parse_args()
    r = transfer_folder(a.folder, a.n_bank, a.n_test) if a.folder else transfer(a.n_bank, a.n_test)
    print(json.dumps(r, indent=1))
