"""What a DINO run's teacher encodes: the class, or a shortcut the two views share (the image's colours)?

    python research/shortcut_probe.py runs/suite-letters-photo-base        # a `dino-nb fit` run folder

For the run's k-NN bank and test images it scores three targets with the run's weighted k-NN (k, T of its config):
the class; the image's colour (k-means, `N_COLOURS` clusters, of each image's mean RGB, fitted on the bank); and its
colour layout (the same on its 4 × 4 average-pooled RGB). Each with the teacher, the random init of the run and raw
pixels, and the share of the most common label (what always guessing it scores). A teacher that scores the colours
far above the class has clustered on colour, not on the objects.

    python research/shortcut_probe.py RUN --readouts   # also: is the class anywhere in the features?

`--readouts` scores the class with four readouts of the teacher and the random init: k-NN and a linear probe
(08_knn's `linear_probe`), each on the CLS token and on the mean of the patch tokens (the paper's linear evaluation
of ViT-B adds the pooled patches). A class that only the k-NN on CLS misses would show up in the others.
"""
import argparse, json

import torch
import torch.nn.functional as F

from dino_nb.train import FitResult, eval_sets
from dino_nb.evaluate import extract_features, knn_accuracy, raw_pixel_features
from dino_nb.supervised import init_backbone

N_COLOURS = 10   # colour clusters: as many as the suite's classes, so the two scores are on one scale


def colour_labels(bank_images:torch.Tensor, test_images:torch.Tensor, # (N, 3, H, W) uint8
                  grid:int=1, k:int=N_COLOURS, seed:int=0) -> tuple:
    "k-means cluster of each image's RGB averaged over a `grid` × `grid` layout, fitted on the bank: (bank, test) labels."
    from sklearn.cluster import KMeans
    pool = lambda x: F.adaptive_avg_pool2d(x.float() / 255, grid).flatten(1).numpy()
    km = KMeans(k, n_init=4, random_state=seed).fit(pool(bank_images))
    return torch.as_tensor(km.labels_).long(), torch.as_tensor(km.predict(pool(test_images))).long()


def probe(run:str) -> dict:
    "{target: {'teacher', 'random init', 'raw pixels', 'majority': %}} for the class and the two colour targets."
    res = FitResult.load(run)
    cfg = res.cfg
    bank, test = eval_sets(cfg)
    cpu = torch.device('cpu')
    (rb, yb), (rt, yt) = raw_pixel_features(bank.ds), raw_pixel_features(test.ds)
    imgs = lambda ev: torch.stack([ev.ds[i][0] for i in range(len(ev.ds))])
    ib, it = imgs(bank), imgs(test)
    targets = {'class': (yb, yt), 'mean colour': colour_labels(ib, it, 1), 'colour layout (4 × 4)': colour_labels(ib, it, 4)}
    nets = {'teacher': res.teacher, 'random init': init_backbone(cfg)}
    feats = {n: _cls_features(net, bank, test, cpu) for n, net in nets.items()}   # once a network, scored on every target
    out = {}
    for name, (lb, lt) in targets.items():
        row = {n: knn_accuracy(fb, lb, ft, lt, k=cfg.knn_k, T=cfg.knn_t) for n, (fb, ft) in feats.items()}
        row['raw pixels'] = knn_accuracy(rb, lb, rt, lt, k=cfg.knn_k, T=cfg.knn_t)
        row['majority'] = 100 * torch.bincount(lt).max().item() / len(lt)
        out[name] = {k: round(v, 1) for k, v in row.items()}
    return out


class _ClsAndPatchMean(torch.nn.Module):
    "A backbone's CLS token and the mean of its patch tokens, side by side: (B, 2D)."
    def __init__(self, net): super().__init__(); self.net = net
    def forward(self, x):
        t = self.net(x, return_all_tokens=True)                                  # (B, 1 + N, D), CLS first
        return torch.cat([t[:, 0], t[:, 1:].mean(1)], dim=1)


def _tokens(net, ds, device) -> tuple:
    "L2-normalised CLS and mean-pooled patch features of `net` on `ds` (`EvalImages`), and the labels."
    f, y = extract_features(_ClsAndPatchMean(net), ds, device=device, normalize=False, l2=False)
    cls, patches = (F.normalize(h, dim=1) for h in f.chunk(2, dim=1))
    return cls, patches, y


def readouts(run:str) -> dict:
    "{network: {readout: %}}: the class by k-NN and by a linear probe, on the CLS token and on the mean patch token."
    from dino_nb.evaluate import linear_probe
    res = FitResult.load(run)
    cfg, cpu = res.cfg, torch.device('cpu')
    bank, test = eval_sets(cfg)
    out = {}
    for name, net in {'teacher': res.teacher, 'random init': init_backbone(cfg)}.items():
        (cb, pb, yb), (ct, pt, yt) = _tokens(net, bank, cpu), _tokens(net, test, cpu)
        row = {}
        for feat, fb, ft in (('CLS', cb, ct), ('patch mean', pb, pt)):
            row[f'k-NN, {feat}'] = knn_accuracy(fb, yb, ft, yt, k=cfg.knn_k, T=cfg.knn_t)
            row[f'linear, {feat}'] = linear_probe(fb, yb, ft, yt)
        out[name] = {k: round(v, 1) for k, v in row.items()}
    return out


def _cls_features(net, bank, test, device) -> tuple:
    "`net`'s CLS features of the bank and the test images (as the k-NN reads them)."
    net.eval()
    with torch.no_grad():
        return tuple(extract_features(net, ds, device=device, normalize=False)[0] for ds in (bank, test))


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('run', help='a `dino-nb fit` run folder (or its checkpoint.pth)')
    ap.add_argument('--readouts', action='store_true', help='also score the class with k-NN and linear probes on CLS and patch tokens')
    a = ap.parse_args()
    r = probe(a.run)
    print(f"{'target':24}" + ''.join(f'{c:>13}' for c in next(iter(r.values()))))
    for name, row in r.items(): print(f'{name:24}' + ''.join(f'{v:12.1f}%' for v in row.values()))
    print(json.dumps(r))
    if a.readouts:
        r = readouts(a.run)
        print(f"{'class, by':14}" + ''.join(f'{c:>20}' for c in next(iter(r.values()))))
        for name, row in r.items(): print(f'{name:14}' + ''.join(f'{v:19.1f}%' for v in row.values()))
        print(json.dumps(r))
