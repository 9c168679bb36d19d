"""What did a `Shapes` run's teacher learn? Weighted k-NN of its features on the shape label and on the nuisances.

For a run folder trained on `Shapes`, the image parameters of its k-NN bank and test images are drawn again from the
same seeds, and each attribute becomes a label: the shape (what k-NN reports), the object's hue (6 bins) and
brightness (4 bins), the background kind and the background's mean brightness (4 bins); on designs with several
objects an image (`count`, e.g. `SCATTER`), the number of objects, their mean size and mean brightness (4 bins each)
replace the object and background-kind columns. Each column is scored with
the same k-NN (k 20, T 0.07) on the run's teacher, on the same network at its random initialisation and on raw
pixels. A feature that has learned shape gains on the first column; one that clusters by colour gains on the others.
    python research/what_it_learned.py runs/my-run [--json]
"""
import argparse, json
import torch
from dino_nb.data import SHAPE_NAMES, sample_shape_params, BACKGROUNDS
from dino_nb.train import FitResult, DINO, load_splits, EvalImages
from dino_nb.evaluate import extract_features, raw_pixel_features, knn_accuracy
from dino_nb.multicrop import rgb_to_hsv

def _bins(x:torch.Tensor, n:int) -> torch.Tensor:
    "Equal-count bins of a 1-D tensor: labels 0..n-1."
    x = x.contiguous()
    return torch.bucketize(x, torch.quantile(x, torch.linspace(0, 1, n + 1)[1:-1]))

def attributes(cfg, split:str, n:int) -> dict:
    "Every attribute's labels for the `n` images of a split, from their re-drawn parameters."
    kw = dict(scale=(0.35, 0.75), rotate=True, clutter=3, background=BACKGROUNDS, contrast=0.25, colours='random', count=1)
    kw.update({k: v for k, v in cfg.shapes.items() if k in kw})
    n_classes = len(cfg.shapes.get('classes') or SHAPE_NAMES)
    gen = torch.Generator().manual_seed(2 * cfg.seed + (split == 'test'))
    p = sample_shape_params(n, n_classes, gen, tuple(kw['scale']), kw['rotate'], kw['clutter'], len(kw['background']),
                            kw['contrast'], kw['colours'], kw['count'])
    bg = _bins((p['bg1'] + p['bg2']).mean(1), 4)
    if 'n_objects' in p:                                               # several objects: per-image summaries of them
        used = (torch.arange(p['radius'].shape[1]) < p['n_objects'][:, None]).float()
        mean = lambda x: (x * used).sum(1) / used.sum(1)
        return {'shape': p['labels'], 'object count': p['n_objects'] - p['n_objects'].min(),
                'object size': _bins(mean(p['radius']), 4), 'object brightness': _bins(mean(p['fg'].mean(-1)), 4),
                'background brightness': bg}
    hsv = rgb_to_hsv(p['fg'][:, :, None, None])[:, :, 0, 0]          # (n, 3)
    return {'shape': p['labels'], 'object hue': _bins(hsv[:, 0], 6), 'object brightness': _bins(hsv[:, 2], 4),
            'background kind': p['bg_kind'], 'background brightness': bg}

def attribute_knn(run) -> dict:
    "k-NN % on each attribute (columns) for the run's teacher, its random init, raw pixels and chance (rows)."
    res = FitResult.load(run)
    cfg = res.cfg
    if cfg.data != 'shapes': raise SystemExit(f'{run} was trained on {cfg.data!r}: this diagnostic needs shapes')
    train, bank, test = load_splits(cfg)
    attr_tr, attr_te = attributes(cfg, 'train', cfg.n_train), attributes(cfg, 'test', cfg.n_test)
    assert torch.equal(attr_tr['shape'], train.ds.labels), 'the re-drawn parameters do not match the run data'
    bi, ti = torch.tensor(bank.indices), torch.tensor(test.indices)
    be, te = EvalImages(bank, cfg.global_size), EvalImages(test, cfg.global_size)
    torch.manual_seed(cfg.seed)
    random_init = DINO(cfg).teacher.backbone                      # the weights the run started from
    ext = lambda m, d: extract_features(m, d, normalize=False)[0]            # `EvalImages` are normalised already
    feats = {'teacher': (ext(res.teacher, be), ext(res.teacher, te)),
             'random init': (ext(random_init, be), ext(random_init, te)),
             'raw pixels': (raw_pixel_features(be.ds)[0], raw_pixel_features(te.ds)[0])}   # the uint8 images, as `baselines`
    table = {name: {k: round(knn_accuracy(fb, attr_tr[k][bi], ft, attr_te[k][ti], k=cfg.knn_k, T=cfg.knn_t), 1)
                    for k in attr_tr} for name, (fb, ft) in feats.items()}
    table['chance'] = {k: round(100 * torch.bincount(attr_te[k][ti]).max().item() / len(ti), 1) for k in attr_tr}
    return table

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('run', help='a run folder (or checkpoint.pth) trained on shapes')
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    table = attribute_knn(a.run)
    if a.json: print(json.dumps(table)); return
    cols = list(table['chance'])
    print(f"{'k-NN %':<12}" + ''.join(f'{c:>23}' for c in cols))
    for name, row in table.items(): print(f'{name:<12}' + ''.join(f'{row[c]:>23}' for c in cols))

if __name__ == '__main__': main()
