"""How fast can a small network learn Shapes with labels, on whole images (flips only, no crops)?

Separates the difficulty of the task and of the stem from that of DINO's crops (research/learnability.py has
the crops). Trains with labels for `steps` steps of batch 128 (AdamW, 10 % linear warm-up, cosine), 8 000 easy
Shapes at 32 px (no clutter, plain backgrounds, large objects; `--hard` for the default design), and prints the
test accuracy on 1 000 held-out images.

    python research/stem_probe.py vit 1e-3          # ViT-tiny/8, depth 4, the official patchify stem
    python research/stem_probe.py vit-conv 1e-3     # the same ViT with stem='conv' (ConvStem)
    python research/stem_probe.py cnn 3e-3          # a 3-layer CNN, for scale
"""
import argparse, math, time
import torch, torch.nn as nn, torch.nn.functional as F
from dino_nb.data import Shapes
from dino_nb.vit import vit_tiny

EASY = dict(clutter=0, background=['plain'], scale=(0.5, 0.8))
MEAN, STD = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1), torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

def network(kind:str) -> nn.Module:
    "The backbone + a linear classifier over 10 classes."
    if kind in ('vit', 'vit-conv'):
        return nn.Sequential(vit_tiny(patch_size=8, img_size=32, depth=4, stem='conv' if kind == 'vit-conv' else 'patch'),
                             nn.Linear(192, 10))
    conv = lambda i, o: [nn.Conv2d(i, o, 3, padding=1), nn.ReLU()]
    return nn.Sequential(*conv(3, 32), nn.MaxPool2d(2), *conv(32, 64), nn.MaxPool2d(2), *conv(64, 128),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10))

def probe(kind='vit', lr=1e-3, steps=375, batch=128, hard=False, seed=0) -> dict:
    torch.manual_seed(seed)
    kw = {} if hard else EASY
    tr, te = Shapes(8000, 32, split='train', seed=seed, **kw), Shapes(1000, 32, split='test', seed=seed, **kw)
    prep = lambda x: (x.float() / 255 - MEAN) / STD
    m = network(kind)
    opt = torch.optim.AdamW(m.parameters(), lr=lr, weight_decay=0.05)
    n_warm, t0 = max(1, steps // 10), time.time()
    for s in range(steps):
        f = (s + 1) / n_warm if s < n_warm else 0.5 * (1 + math.cos(math.pi * (s - n_warm) / max(1, steps - n_warm)))
        for g in opt.param_groups: g['lr'] = lr * f
        idx = torch.randint(0, len(tr), (batch,))
        x = prep(tr.images[idx]); x = torch.where(torch.rand(batch, 1, 1, 1) < 0.5, x.flip(-1), x)
        loss = F.cross_entropy(m(x), tr.labels[idx])
        opt.zero_grad(); loss.backward(); opt.step()
    m.eval()
    with torch.no_grad(): acc = (m(prep(te.images)).argmax(1) == te.labels).float().mean().item()
    return dict(kind=kind, lr=lr, steps=steps, data='default' if hard else 'easy', last_loss=round(loss.item(), 3),
                test_acc=round(100 * acc, 1), seconds=round(time.time() - t0))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('kind', choices=['vit', 'vit-conv', 'cnn'])
    ap.add_argument('lr', type=float)
    ap.add_argument('--steps', type=int, default=375)
    ap.add_argument('--hard', action='store_true', help='the default Shapes design (clutter, textured backgrounds)')
    a = ap.parse_args()
    print(probe(a.kind, a.lr, a.steps, hard=a.hard))
