"""SimCLR as a sanity check beside DINO: do the views of a `cpu-tiny` run carry anything a self-supervised loss can learn?

The same backbone (`build_backbone`), data (`load_splits`), two global crops with the run's augmentations and the same
number of steps as the DINO run, trained with the NT-Xent loss (SimCLR: the other view of an image is the positive,
the 2B - 2 other crops of the batch the negatives; temperature 0.2) through a 192-512-128 projection, AdamW at lr
1e-3 with a 10 % warm-up. Prints the weighted k-NN of the backbone after every epoch, as the DINO run reports it.
A diagnostic for the recipe search, not part of the library. Arguments are `DINOConfig` overrides, values as JSON:

    python research/ssl_sanity.py stem=conv 'global_scale=[0.5,1.0]' 'shapes={"classes":["circle","triangle","square","star","cross","ring"],"rotate":false}'
    python research/ssl_sanity.py --cnn data=/tmp/suite/letters-photo epochs=18   # research/cnn_dino_probe.py's CNN
"""
import sys, json, time
import torch, torch.nn as nn, torch.nn.functional as F
from dino_nb.train import get_config, load_splits, build_backbone, EvalImages, knn_eval, make_optimizer
from dino_nb.cli import parse_value
from dino_nb.multicrop import BatchedMultiCrop, MultiCropConfig
from dino_nb.ema import cosine_schedule
from dino_nb.supervised import InMemoryImages

def nt_xent(z:torch.Tensor, T:float=0.2) -> torch.Tensor:
    "SimCLR's loss on (2B, d) projections, the two views of image i at rows i and B + i."
    z = F.normalize(z, dim=1)
    sim = z @ z.T / T
    sim.fill_diagonal_(float('-inf'))                                      # a crop is not its own positive
    B = len(z) // 2
    return F.cross_entropy(sim, torch.cat([torch.arange(B, 2 * B), torch.arange(B)]))

def simclr_knn(cnn:bool=False, # the suite's small CNN (research/cnn_dino_probe.py) instead of the preset's ViT
               **over) -> dict:
    "Train SimCLR for the DINO run's steps on its data and global crops; the k-NN after every epoch."
    cfg = get_config('cpu-tiny', device='cpu', precision='fp32', **over)
    torch.manual_seed(cfg.seed)
    train, bank, test = load_splits(cfg)
    be, te = EvalImages(bank, cfg.global_size), EvalImages(test, cfg.global_size)
    if cnn: from cnn_dino_probe import CNNBackbone
    bb = CNNBackbone() if cnn else build_backbone(cfg)
    model = nn.Sequential(bb, nn.Linear(bb.embed_dim, 512), nn.GELU(), nn.Linear(512, 128))
    opt = make_optimizer(model, torch.device('cpu'))
    ipe = len(train) // cfg.batch_size; steps = round(cfg.epochs * ipe)
    lrs = cosine_schedule(1e-3, 1e-5, 1, steps, warmup_epochs=0.1)
    crop = BatchedMultiCrop(MultiCropConfig.for_size(cfg.global_size, cfg.local_size, 0, global_scale=cfg.global_scale, **cfg.augment))
    images = InMemoryImages.of(train).images   # Shapes, or a folder read once
    gen, t0, knn = torch.Generator().manual_seed(cfg.seed), time.time(), []
    rnd = knn_eval(bb, be, te, cfg, torch.device('cpu'))
    for it in range(steps):
        if it % ipe == 0: order = torch.randperm(len(train), generator=gen)
        idx = order[(it % ipe) * cfg.batch_size:(it % ipe + 1) * cfg.batch_size]
        with torch.no_grad(): a, b = crop(images[idx], generator=gen)
        loss = nt_xent(model(torch.cat([a, b])))
        for g in opt.param_groups: g['lr'] = float(lrs[it])
        opt.zero_grad(); loss.backward(); opt.step()
        if (it + 1) % ipe == 0: knn.append(round(knn_eval(bb, be, te, cfg, torch.device('cpu')), 1))
    return dict(overrides=over, backbone='cnn' if cnn else cfg.arch, steps=steps, random_init=round(rnd, 1), knn=knn,
                loss=round(loss.item(), 3), s=round(time.time() - t0))

if __name__ == '__main__':
    args = [a for a in sys.argv[1:] if a != '--cnn']
    print(json.dumps(simclr_knn('--cnn' in sys.argv, **{k: parse_value(v) for k, v in (kv.split('=', 1) for kv in args)})))
