"""The generalization suite: does DINO learn data it was not designed for? One table over untuned sets.

For every set (the built-in `SCATTER6` and `SCATTER`, and the folders `suite_data.py` writes) and each CPU budget
(`tiny`: cpu-tiny's 3 epochs, 24 000 images, what five minutes buy on the slower 2-core kind; `base`: cpu-base's
144 000 images), it measures, each as one job whose result is appended to a JSON-lines file with the machine,
the commit and the config:
- `baselines`: raw-pixel and random-init k-NN (the run's memory bank and test images);
- `gate`: the supervised ceiling, the preset's ViT from the same initial weights trained with labels on the same
  image budget, on 80-100 % crops (`dino_nb.supervised.learnability_gate`, `dino-nb gate`), scored on the test images by its classifier;
- `cnn`: a second reference with labels, a small CNN (4 conv blocks 32-64-128-192, strides 1-2-2-2, BatchNorm,
  ReLU, global pool, linear; AdamW 3e-3 one-cycle, batch 32, flips only) on the same image budget;
- `dino`: `fit` with the preset (epochs fixed, not a time budget): teacher and student k-NN, h(P_t), KL.
Each row records the recipe it ran with (`recipe`: stem, KoLeo weight, centering, teacher rule, augmentations), so rows
stay readable when a preset changes (`cpu-tiny` gained KoLeo on 2026-12-07; older rows without `recipe` ran without it).
The table shows the newest result of each (set, budget, job, --set overrides).

    python tools/suite_data.py /tmp/suite                                   # write the folders once
    python benchmarks/generalization.py --root /tmp/suite --budget tiny --jobs baselines gate cnn
    python benchmarks/generalization.py --root /tmp/suite --sets textures --budget tiny --jobs dino --set stem=hybrid
    python benchmarks/generalization.py --table                                  # print the table only (--json)

Sets in `suite_data.HELD_OUT` are refused unless `--held-out` is given: choose recipes on the others, then report those once.
"""
import argparse, json, platform, subprocess, sys, time, warnings
from pathlib import Path

import torch, torch.nn as nn, torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).parents[1] / 'tools'))   # the suite's data maker
from suite_data import SETS, HELD_OUT                     # noqa: E402

RESULTS = Path(__file__).parent / 'generalization_results.jsonl'
BUILT_IN = ('scatter6', 'scatter')
BUDGETS = {'tiny': ('cpu-tiny', 3), 'base': ('cpu-base', 18)}   # preset and its epochs (8 000 training images each)
JOBS = ('baselines', 'gate', 'cnn', 'dino')

def data_overrides(name:str, root) -> dict:
    "The `DINOConfig` fields that point a run at set `name`."
    from dino_nb.data import SCATTER, SCATTER6
    if name in BUILT_IN: return dict(data='shapes', shapes={'scatter6': SCATTER6, 'scatter': SCATTER}[name])
    folder = Path(root) / name
    if not (folder / 'train').is_dir(): raise SystemExit(f'no set {name!r} under {root}: run tools/suite_data.py {root} first')
    return dict(data=str(folder))

def small_cnn(n_classes:int) -> nn.Sequential:
    "The reference CNN: 4 blocks of 3×3 conv, BatchNorm, ReLU (32-64-128-192 channels, strides 1-2-2-2), global pool, linear."
    block = lambda a, b, s: [nn.Conv2d(a, b, 3, s, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU(inplace=True)]
    return nn.Sequential(*block(3, 32, 1), *block(32, 64, 2), *block(64, 128, 2), *block(128, 192, 2),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(192, n_classes))

def cnn_accuracy(cfg, images:int, lr:float=3e-3, batch:int=32) -> dict:
    "Test accuracy (%) of `small_cnn` trained with labels on `images` images of `cfg`'s data (flips only)."
    from dino_nb.train import load_splits
    from dino_nb.data import IMAGENET_MEAN, IMAGENET_STD
    from dino_nb.supervised import InMemoryImages   # a dataset's uint8 images and labels as two tensors
    train, _, test = load_splits(cfg)
    train, test = InMemoryImages.of(train), InMemoryImages(test)
    (x, y), (xt, yt) = (train.images, train.labels), (test.images, test.labels)
    mean, std = (torch.tensor(v).view(1, 3, 1, 1) for v in (IMAGENET_MEAN, IMAGENET_STD))
    norm = lambda u: (u.float() / 255 - mean) / std
    g = torch.Generator().manual_seed(cfg.seed)
    with torch.random.fork_rng():
        torch.manual_seed(cfg.seed)
        net = small_cnn(int(y.max()) + 1)
    steps = images // batch
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=0.05)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    t0 = time.time(); net.train()
    for _ in range(steps):
        idx = torch.randint(len(x), (batch,), generator=g)
        xb = norm(x[idx])
        flip = torch.rand(batch, generator=g) < 0.5
        xb[flip] = xb[flip].flip(-1)
        loss = F.cross_entropy(net(xb), y[idx])
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); sched.step()
    net.eval()
    with torch.no_grad(): pred = torch.cat([net(norm(xt[i:i + 500])).argmax(1) for i in range(0, len(xt), 500)])
    return dict(cnn_acc=round(100 * (pred == yt).float().mean().item(), 1), cnn_s=round(time.time() - t0, 1), images=steps * batch)

def run_job(job:str, name:str, budget:str, root, over:dict, out_dir:str=None) -> dict:
    "One measurement of the suite, as a dict of numbers (a DINO run's folder: `out_dir`, default runs/suite-NAME-BUDGET)."
    warnings.simplefilter('ignore')
    from dino_nb.train import get_config, config_baselines, fit
    preset, epochs = BUDGETS[budget]
    cfg_over = {**data_overrides(name, root), 'epochs': epochs, 'precision': 'fp32', 'device': 'cpu', **over}
    cfg = get_config(preset, **cfg_over)
    images = round(epochs * (8_000 // cfg.batch_size)) * cfg.batch_size
    if job == 'baselines':
        b = config_baselines(cfg)
        return {k.replace(' ', '_'): round(v, 1) for k, v in b.items()}
    if job == 'gate':                                   # the library's gate: `dino-nb gate` (80-100 % crops)
        from dino_nb.supervised import learnability_gate
        t0 = time.time()
        r = learnability_gate(cfg_over['data'], preset, images, **{k: v for k, v in cfg_over.items() if k != 'data'})
        return dict(supervised_acc=round(r['supervised'], 1), supervised_knn=round(r['supervised k-NN'], 1), images=images,
                    secs=round(time.time() - t0))
    if job == 'cnn': return cnn_accuracy(cfg, images)
    if job == 'dino':
        data = cfg_over.pop('data')
        t0 = time.time()
        res = fit(data, preset=preset, progress='none', out_dir=out_dir or f'runs/suite-{name}-{budget}', **cfg_over)
        ep = res.history['epoch']
        return dict(teacher=[None if v is None else round(v, 1) for v in ep['knn_teacher']],
                    student=round(ep['knn_student'][-1], 1), h=round(ep['teacher_entropy'][-1], 2),
                    kl=round(ep['kl'][-1], 3), log_K=round(res.history['log_K'], 2), secs=round(time.time() - t0))
    raise ValueError(job)

RECIPE_FIELDS = ('stem', 'koleo_weight', 'ibot_weight', 'centering', 'teacher_update', 'augment')   # what a row's DINO recipe was

def recipe(budget:str, over:dict) -> dict:
    "The recipe fields a job ran with (the preset's, then the overrides): rows stay readable when a preset changes."
    from dino_nb.config import get_config
    cfg = get_config(BUDGETS[budget][0], **{k: v for k, v in over.items() if k != 'data'})
    return {k: getattr(cfg, k) for k in RECIPE_FIELDS}

def machine() -> dict:
    "What the numbers were measured on."
    commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True,
                            cwd=Path(__file__).parent).stdout.strip()
    return dict(cpu=platform.processor() or platform.machine(), isa=torch.backends.cpu.get_cpu_capability(),
                threads=torch.get_num_threads(), torch=torch.__version__, commit=commit,
                date=time.strftime('%Y-%m-%d'))

def load_results(path=RESULTS) -> list:
    return [json.loads(l) for l in Path(path).read_text().splitlines() if l.strip()] if Path(path).exists() else []

def table(rows:list) -> str:
    "Markdown: one row per (set, budget, overrides), the newest result of each job."
    newest = {}
    for r in rows: newest[(r['set'], r['budget'], json.dumps(r['over'], sort_keys=True), r['job'])] = r['result']
    keys = sorted({k[:3] for k in newest}, key=lambda k: (list(BUILT_IN + SETS).index(k[0]) if k[0] in BUILT_IN + SETS else 99, k[1], k[2]))
    out = ['| set | budget | overrides | raw / random init | supervised ViT | small CNN | DINO teacher (per eval) | student | h / log K | teacher − better baseline |',
           '|---|---|---|---|---|---|---|---|---|---|']
    for s, b, o in keys:
        g = lambda job: newest.get((s, b, o, job), {})
        base, gate, cnn, dino = g('baselines'), g('gate'), g('cnn'), g('dino')
        best = max(base.get('raw_pixels', 0), base.get('random_init', 0)) if base else None
        last = dino.get('teacher', [None])[-1] if dino else None
        gap = f'{last - best:+.1f}' if last is not None and best is not None else ''
        held = ' (held out)' if s in HELD_OUT else ''
        out.append(f"| {s}{held} | {b} | {'' if o == '{}' else o} | "
                   f"{base.get('raw_pixels', '')} / {base.get('random_init', '')} | {gate.get('supervised_acc', '')} | "
                   f"{cnn.get('cnn_acc', '')} | {', '.join(str(v) for v in dino.get('teacher', []) if v is not None)} | "
                   f"{dino.get('student', '')} | {dino.get('h', '')} / {dino.get('log_K', '')} | {gap} |")
    return '\n'.join(out)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--root', default='/tmp/suite', help='where suite_data.py wrote the folders')
    ap.add_argument('--sets', nargs='*', default=[s for s in BUILT_IN + SETS if s not in HELD_OUT], choices=BUILT_IN + SETS)
    ap.add_argument('--budget', nargs='*', default=['tiny'], choices=sorted(BUDGETS))
    ap.add_argument('--jobs', nargs='*', default=['baselines'], choices=JOBS)
    ap.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help='DINOConfig overrides (values as in dino-nb --set)')
    ap.add_argument('--held-out', action='store_true', help='allow the held-out sets (report them once)')
    ap.add_argument('--results', default=str(RESULTS))
    ap.add_argument('--table', action='store_true', help='print the table of --results and exit')
    ap.add_argument('--json', action='store_true', help='print the results as JSON lines instead of a table')
    a = ap.parse_args()
    if not a.table:
        from dino_nb.cli import parse_value
        over = {k: parse_value(v) for k, v in (kv.split('=', 1) for kv in a.set)}
        bad = [s for s in a.sets if s in HELD_OUT and not a.held_out]
        if bad: raise SystemExit(f'{bad} are held out: choose recipes on the other sets, then pass --held-out once')
        for s in a.sets:
            for b in a.budget:
                for job in a.jobs:
                    t0 = time.time()
                    r = dict(set=s, budget=b, job=job, over=over, recipe=recipe(b, over),
                             result=run_job(job, s, b, a.root, over), wall_s=round(time.time() - t0, 1), machine=machine())
                    with open(a.results, 'a') as f: f.write(json.dumps(r) + '\n')
                    print(json.dumps(r) if a.json else f"{s} {b} {job}: {r['result']} ({r['wall_s']} s)", flush=True)
    rows = load_results(a.results)
    if a.json and a.table: print('\n'.join(json.dumps(r) for r in rows))
    elif not a.json: print(table(rows))
