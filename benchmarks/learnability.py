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

    python benchmarks/learnability.py                                  # cpu-tiny as it is
    python benchmarks/learnability.py --set 'shapes={"clutter": 0}' --lr 1e-3 --json
    python benchmarks/learnability.py --images 8000                   # a smaller image budget
    python benchmarks/learnability.py --set 'global_scale=[0.8,1.0]'   # the classifier on 80-100 % crops
    python benchmarks/learnability.py --set data=/tmp/glyphs          # a folder of images (read into memory)
"""
import argparse, json, time, warnings
import torch, torch.nn as nn

from dino_nb.train import DINO, EvalImages, get_config, load_splits, knn_eval, _parse_value
from dino_nb.attention import train_supervised
from dino_nb.evaluate import raw_pixel_features, knn_accuracy, extract_features

def supervised_ceiling(cfg, train, test_eval, bank_eval, images:int, lr:float):   # train: in-memory (images, labels)
    "10_attention's `train_supervised` on `images` images; (test accuracy %, k-NN %, seconds, steps)."
    steps = max(1, images // cfg.batch_size)           # each step: `batch` images, two global crops of each
    t0 = time.time()
    backbone, clf, _ = train_supervised(cfg, train, steps=steps, lr=lr)
    secs = time.time() - t0
    with torch.no_grad(): ft, lt = extract_features(nn.Sequential(backbone, clf), test_eval, device='cpu', normalize=False)
    acc = 100 * (ft.argmax(1) == lt).float().mean().item()
    return acc, knn_eval(backbone, bank_eval, test_eval, cfg, torch.device('cpu')), secs, steps

class InMemory(torch.utils.data.Dataset):
    "A `SourceImages`' (uint8 image, label) pairs as two tensors, the way `Shapes` holds them (for a folder of images)."
    def __init__(self, src):
        pairs = [src[i] for i in range(len(src))]
        self.images, self.labels = torch.stack([x for x, _ in pairs]), torch.tensor([y for _, y in pairs])
        self.classes = tuple(range(int(self.labels.max()) + 1))
    def __len__(self): return len(self.labels)
    def __getitem__(self, i): return self.images[i], int(self.labels[i])

def gate(preset='cpu-tiny', lr=1e-3, images=None, **over):
    "The learnability numbers of `preset` with `over`rides, as a dict."
    warnings.simplefilter('ignore')
    cfg = get_config(preset, **{'precision': 'fp32', 'device': 'cpu', **over})
    train, bank, test = load_splits(cfg)
    data = train.ds if train.fast else InMemory(train)   # a folder: read once into memory
    ipe = len(train) // cfg.batch_size
    images = images or round(cfg.epochs * ipe) * cfg.batch_size  # what the DINO run sees (its epochs, not a budget)
    bank_e, test_e = EvalImages(bank, cfg.global_size), EvalImages(test, cfg.global_size)
    (fb, lb), (ft, lt) = raw_pixel_features(bank), raw_pixel_features(test)
    raw = knn_accuracy(fb, lb, ft, lt, k=cfg.knn_k, T=cfg.knn_t)
    torch.manual_seed(cfg.seed)
    rnd = knn_eval(DINO(cfg).teacher.backbone, bank_e, test_e, cfg, torch.device('cpu'))
    acc, knn, secs, steps = supervised_ceiling(cfg, data, test_e, bank_e, images, lr)
    n_cls = int(data.labels.max()) + 1
    return dict(preset=preset, overrides=over, images=images, steps=steps, lr=lr, tokens_per_global=(cfg.global_size // cfg.patch_size) ** 2 + 1,
                chance=round(100 / n_cls, 1), supervised_acc=round(acc, 1), supervised_knn=round(knn, 1),
                raw_pixels_knn=round(raw, 1), random_init_knn=round(rnd, 1), supervised_s=round(secs, 1),
                gate_met=bool(acc >= 90 and raw <= 35))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--preset', default='cpu-tiny')
    ap.add_argument('--lr', type=float, default=1e-3, help='peak AdamW lr of the supervised run')
    ap.add_argument('--images', type=int, help="image budget (default: what the preset's DINO run sees)")
    ap.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help='DINOConfig overrides, values as JSON')
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    over = {k: _parse_value(v) for k, v in (kv.split('=', 1) for kv in a.set)}
    r = gate(a.preset, a.lr, a.images, **over)
    if a.json: print(json.dumps(r))
    else:
        for k, v in r.items(): print(f'{k:<18} {v}')
