"""The quality target of `cpu-tiny`, and the recipe probes behind it.

    python research/recipe_probe.py                  # the default run (`dino-nb fit`): k-NN vs baselines, wall time
    python research/recipe_probe.py --probe strong-colour --epochs 3 --json
    python research/recipe_probe.py --list           # the probes and what each changes
    python research/recipe_probe.py --set stem=conv 'n_local=2' --json   # the default plus any DINOConfig overrides

Target (issue 4): teacher k-NN on held-out Shapes >= raw pixels + 25 points and >= random init + 25 points,
in <= 5 minutes on 2 cores. Every probe is `cpu-tiny` plus the overrides below; nothing else differs.
"""
import argparse, json, os, time, warnings

EASY = dict(clutter=0, background=['plain'], scale=[0.5, 0.8])        # no distractors, plain backgrounds, big objects
STRONG = dict(jitter_p=1.0, hue=0.5, saturation=0.8, brightness=0.6, contrast=0.6)  # colour no longer shared by views
SIMCLR = dict(jitter_p=0.8, hue=0.2, saturation=0.8, brightness=0.8, contrast=0.8)  # SimCLR's colour strength 1.0

PROBES = {
    'default':        {},
    'strong-colour':  dict(augment=STRONG),
    'easy-data':      dict(shapes=EASY),
    'easy-sharp':     dict(shapes=EASY, augment=STRONG, teacher_temp=0.02, warmup_teacher_temp=0.02, freeze_last_layer=0),
    'easy-no-freeze': dict(shapes=EASY, freeze_last_layer=0, lr=0.001),
    'easy-K64-2crop': dict(shapes=EASY, freeze_last_layer=0, out_dim=64, n_local=0),
    'easy-gray':      dict(shapes=EASY, freeze_last_layer=0, augment=dict(gray_p=1.0, brightness=0.6, contrast=0.6)),
    'easy-patch4':    dict(shapes=EASY, freeze_last_layer=0, patch_size=4, n_local=2, augment=STRONG),
    'easy-K64-strong': dict(shapes=EASY, freeze_last_layer=0, out_dim=64, n_local=0, augment=STRONG),
    'sharp-slow-teacher': dict(augment=STRONG, freeze_last_layer=0, momentum_teacher=0.996, teacher_temp=0.02,
                               warmup_teacher_temp=0.02),
    'simclr-colour':  dict(augment=SIMCLR),
    'simclr-K64-2crop': dict(augment=SIMCLR, out_dim=64, n_local=0),
    'low-lr':         dict(lr=0.0005),
    'batch-32':       dict(batch_size=32),
    'no-warmup':      dict(warmup_epochs=0, freeze_last_layer=0),
    'slow-teacher':   dict(momentum_teacher=0.996, freeze_last_layer=0),
}

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--probe', default='default', choices=sorted(PROBES))
    ap.add_argument('--epochs', type=int, help="override the preset's epochs (probes ran 3; the default run 6)")
    ap.add_argument('--knn-every', type=int, default=1)
    ap.add_argument('--no-baselines', action='store_true', help='skip raw-pixel and random-init k-NN')
    ap.add_argument('--json', action='store_true', help='print one JSON line instead of a table')
    ap.add_argument('--list', action='store_true', help='list the probes and exit')
    ap.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help='more DINOConfig overrides, values as JSON')
    a = ap.parse_args()
    if a.list:
        for k, v in PROBES.items(): print(f'{k:<15} {v}')
        return
    from dino_nb.train import fit, baselines
    from dino_nb.cli import parse_value
    extra = {k: parse_value(v) for k, v in (kv.split('=', 1) for kv in a.set)}
    over = {**PROBES[a.probe], **extra, 'knn_every': a.knn_every, 'progress': 'none', 'out_dir': f'runs/probe-{a.probe}'}
    over['epochs'] = a.epochs or 3      # the probes' length: 3 epochs (the preset's time budget is not used here)
    warnings.simplefilter('ignore')
    t0 = time.time()
    res = fit('shapes', preset='cpu-tiny', **over)
    wall = time.time() - t0
    ep = res.history['epoch']
    out = dict(probe=a.probe, overrides={**PROBES[a.probe], **extra}, epochs=res.cfg.epochs, iterations=len(res.history['iter']['loss']),
               wall_s=round(wall, 1), threads=int(os.environ.get('OMP_NUM_THREADS', 0)) or None,
               knn_teacher=[round(x, 1) for x in ep['knn_teacher'] if x is not None],
               knn_student=[round(x, 1) for x in ep['knn_student'] if x is not None],
               teacher_entropy=[round(x, 2) for x in ep['teacher_entropy']], kl=[round(x, 3) for x in ep['kl']],
               log_K=round(res.history['log_K'], 2))
    if not a.no_baselines:
        base = baselines(res)
        out['baselines'] = {k: round(v, 1) for k, v in base.items()}
        t = ep['knn_teacher'][-1]
        out['target_met'] = bool(t >= base['raw pixels'] + 25 and t >= base['random init'] + 25 and wall <= 300)
    if a.json: print(json.dumps(out)); return
    for k, v in out.items(): print(f'{k:<16} {v}')

if __name__ == '__main__': main()
