"""DINO probes with k-NN after every epoch. `+sk` swaps the centre for Sinkhorn-Knopp teacher targets (3 iterations,
as in DINOv2/SwAV; now `centering='sinkhorn'`); `+bn` is `head_bn=true` (BatchNorm in the head);
`+dim96` (or `+dim128h4`) narrows the ViT to that width (and heads); `+base` adds chance, raw-pixel and random-init k-NN. Other arguments are DINOConfig overrides (JSON).
A diagnostic for the recipe search (results in research/recipe_results.md), not part of the library:
    python research/dynamics_probe.py stem=conv freeze_last_layer=0.25 knn_every=2 'shapes={"rotate":false}' +sk
"""
import re, sys, json, time, warnings
import dino_nb.train as T
from dino_nb.cli import parse_value
warnings.simplefilter('ignore')
args = sys.argv[1:]
flags = {a for a in args if a.startswith('+')}
over = {k: parse_value(v) for k, v in (a.split('=', 1) for a in args if not a.startswith('+'))}
for f in flags:                   # +dimD[hH]: a narrower ViT (width D, H heads; default 3), e.g. +dim96, +dim128h4
    m = re.fullmatch(r'\+dim(\d+)(?:h(\d+))?', f)
    if m:
        from dino_nb.vit import _vit
        T.ARCHS['vit_tiny'] = lambda patch_size, img_size, drop_path_rate=0., _d=int(m[1]), _h=int(m[2] or 3), **kw: \
            _vit(_d, _h, patch_size, img_size, drop_path_rate, kw)
if '+bn' in flags: over['head_bn'] = True     # now a DINOConfig field; the flag is kept for the old commands
if '+sk' in flags: over['centering'] = 'sinkhorn'   # now a DINOConfig field (04_centering's `sinkhorn_knopp`)
over.setdefault('progress', 'none'); over.setdefault('out_dir', 'runs/dynamics-probe')
over.setdefault('epochs', 3)          # the journal's rows: 3 epochs, not the preset's time budget
t0 = time.time()
res = T.fit('shapes', preset='cpu-tiny', resume=False, **over)
ep = res.history['epoch']
out = dict(flags=sorted(flags), over=args, wall=round(time.time() - t0),
           ips=round(ep['images_per_s'][-1]),
           teacher=[round(x, 1) for x in ep['knn_teacher'] if x is not None],
           student=[round(x, 1) for x in ep['knn_student'] if x is not None],
           h=[round(x, 2) for x in ep['teacher_entropy']], kl=[round(x, 2) for x in ep['kl']], logK=round(res.history['log_K'], 2))
if '+base' in flags: out['base'] = {k: round(v, 1) for k, v in T.baselines(res).items()}
print(json.dumps(out))
