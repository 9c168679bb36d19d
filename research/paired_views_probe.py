"""Do DINO's views agree on the photograph behind the letter? Cut each crop from its own photograph and see.

    python research/paired_views_probe.py --grey --views own           # every crop of an image: its own photo behind it
    python research/paired_views_probe.py --grey --views shared        # the baseline: one photo, as letters-photo
    python research/paired_views_probe.py --views own --set 'global_scale=[0.4,1.0]' 'local_scale=[0.05,0.4]'
    python research/paired_views_probe.py --grey --views own --backbone cnn    # research/cnn_dino_probe.py's small CNN
    python research/paired_views_probe.py --views own --labelled-start 24000   # from a start trained with labels

letters-photo (tools/suite_data.py) draws one letter on a crop of a photograph. DINO's teacher stays at chance on it
(and on its grey variant, research/factor_probe.py), while the same letters on a flat grey are learned. Hypothesis:
the two global crops of an image cut the same photograph, and agreeing on the photograph is easier than agreeing on
the letter. This probe draws each training letter (same face, size, position and colour) on `2 + n_local` different
photo crops and feeds crop v of the multi-crop from rendering v, so that no two views share a photograph and only the
letter is common to them. `--views shared` feeds every crop from rendering 0: the ordinary data, the baseline beside it.
The k-NN bank and test set are ordinary images (one photo each): bank = rendering 0 of the training images.

`--labelled-start N`: student and teacher start from the ViT trained with labels on N images of rendering 0
(research/warm_start_probe.py), so the question becomes whether the views keep the letter the start already sees.

A diagnostic, not a recipe: a user's folder has no second photograph behind its objects. Rows go to
`research/factor_results.jsonl` (set `letters-photo[-grey]-paired-VIEWS`).
"""
import argparse, json, random, sys, time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

ROOT = Path(__file__).parents[1]
sys.path[:0] = [str(ROOT / 'tools'), str(ROOT / 'benchmarks')]
from suite_data import LETTER_CLASSES, SS, draw_glyph, photo_crop   # noqa: E402

RESULTS = Path(__file__).parent / 'factor_results.jsonl'


def renderings(label:int, glyph_seed:str, rng:random.Random, n:int, grey:bool, size:int=32) -> list:
    "`n` images of one letter (one face, size, position, colour: drawn from `glyph_seed`), each on its own photo crop."
    out = []
    for _ in range(n):
        img = photo_crop(rng, size * SS)
        draw_glyph(img, LETTER_CLASSES[label], random.Random(glyph_seed))     # the same glyph every time
        img = img.resize((size, size), Image.LANCZOS)
        out.append(np.asarray(img.convert('L').convert('RGB') if grey else img))
    return out


def make_set(n:int, views:int, grey:bool, split:str) -> tuple:
    "(images (n, 3·views, 32, 32) uint8, labels (n,)): rendering v of image i in channels 3v..3v+2."
    rng, imgs = random.Random(f'paired/{split}/{grey}'), []
    for i in range(n):
        r = renderings(i % len(LETTER_CLASSES), f'{split}/{i}', rng, views, grey)
        imgs.append(np.concatenate(r, -1).transpose(2, 0, 1))
    return torch.from_numpy(np.stack(imgs)), torch.arange(n) % len(LETTER_CLASSES)


class Rendered(torch.utils.data.Dataset):
    "In-memory uint8 images and labels, in the shape `SourceImages` reads without a DataLoader."
    def __init__(self, images, labels): self.images, self.labels = images, labels
    def __len__(self): return len(self.images)
    def __getitem__(self, i): return self.images[i], int(self.labels[i])


class PerViewCrop:
    "Wraps the run's multi-crop: crop v of each image is cut from its rendering v (channels 3v..3v+2)."
    def __init__(self, crop, shared:bool): self.crop, self.shared = crop, shared
    def __call__(self, x, generator=None):
        b, v = len(x), x.shape[1] // 3
        if self.shared: return self.crop(x[:, :3], generator=generator)
        crops = self.crop(torch.cat(x.split(3, dim=1)), generator=generator)   # every rendering cut every way
        assert len(crops) <= v, f'{len(crops)} crops need {len(crops)} renderings, the set has {v}'
        return [c[k * b:(k + 1) * b] for k, c in enumerate(crops)]             # crop k from rendering k


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--views', choices=('own', 'shared'), default='own')
    ap.add_argument('--grey', action='store_true', help='grey letters on grey photographs (letters-photo-grey)')
    ap.add_argument('--n-train', type=int, default=8000)
    ap.add_argument('--budget', default='tiny', choices=('tiny', 'base'))
    ap.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help='DINOConfig overrides (as dino-nb --set)')
    ap.add_argument('--backbone', default='vit', choices=('vit', 'cnn'), help="the preset's ViT, or the suite's small CNN")
    ap.add_argument('--labelled-start', type=int, default=0, metavar='N',
                    help='start from the ViT trained with labels on N images (research/warm_start_probe.py); 0: random')
    ap.add_argument('--results', default=str(RESULTS))
    a = ap.parse_args()
    import dino_nb.train as T
    if a.backbone == 'cnn':
        from cnn_dino_probe import patch
        patch(T)
    from dino_nb.cli import parse_value
    from dino_nb.train import SourceImages, get_config
    from generalization import BUDGETS, machine
    over = {k: parse_value(v) for k, v in (kv.split('=', 1) for kv in a.set)}
    preset, epochs = BUDGETS[a.budget]
    kw = {'epochs': epochs, 'precision': 'fp32', 'device': 'cpu', **over}
    cfg = get_config(preset, **kw)
    n_views = 2 + cfg.n_local
    t0 = time.time()
    train_x, train_y = make_set(a.n_train, n_views, a.grey, 'train')
    test_x, test_y = make_set(1000, 1, a.grey, 'test')
    print(f'rendered {a.n_train}×{n_views} + 1000 images in {time.time() - t0:.0f} s', flush=True)
    train = SourceImages(Rendered(train_x, train_y), 32)
    g = torch.Generator().manual_seed(cfg.seed)
    bank_ds = SourceImages(Rendered(train_x[:, :3].contiguous(), train_y), 32)
    bank = torch.utils.data.Subset(bank_ds, torch.randperm(len(bank_ds), generator=g)[:cfg.knn_train].tolist())
    test = SourceImages(Rendered(test_x, test_y), 32)
    T.holdout_splits = lambda data, cfg: (train, bank, test)                 # the probe's own splits for its dataset
    make_crop = T.BatchedMultiCrop
    T.BatchedMultiCrop = lambda *args, **kw: PerViewCrop(make_crop(*args, **kw), a.views == 'shared')
    start = {}
    if a.labelled_start:                                # one start for both --views: trained on rendering 0
        from warm_start_probe import labelled_start, START
        labelled = Rendered(train_x[:, :3].contiguous(), train_y)
        labelled.classes = LETTER_CLASSES
        setup = T.setup_run
        T.setup_run = lambda data, cfg: labelled_start(setup(data, cfg), a.labelled_start, train=labelled)
        start = START
    name = f"letters-photo{'-grey' if a.grey else ''}-paired-{a.views}" + '-cnn' * (a.backbone == 'cnn') + \
        f'-from-labels-{a.labelled_start}' * bool(a.labelled_start)
    t0 = time.time()
    res = T.fit(train.ds, preset=preset, progress='none', out_dir=f'runs/probe-{name}-{a.budget}', **kw)
    ep = res.history['epoch']
    result = dict(teacher=[round(v, 1) for v in ep['knn_teacher'] if v is not None], student=round(ep['knn_student'][-1], 1),
                  h=round(ep['teacher_entropy'][-1], 2), kl=round(ep['kl'][-1], 3), log_K=round(res.history['log_K'], 2),
                  secs=round(time.time() - t0))
    r = dict(set=name, budget=a.budget, job='dino', over=over, result=result, wall_s=result['secs'], machine=machine(),
             **({'start': dict(start)} if start else {}))
    with open(a.results, 'a') as f: f.write(json.dumps(r) + '\n')
    print(f"{name} {a.budget}: {result}", flush=True)


if __name__ == '__main__':
    main()
