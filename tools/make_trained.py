"""Make the trained networks that ship in `dino_nb/trained/` from a finished `dino-nb fit` run folder.

    dino-nb fit --preset cpu-base --out runs/cpu-base --set progress=log
    python tools/make_trained.py runs/cpu-base --fit-command "dino-nb fit --preset cpu-base --out runs/cpu-base --set progress=log"

It writes `cpu-base` (the run's teacher backbone) and `cpu-base-supervised` (the same ViT from the same initial
weights, trained with labels on as many images: `train_supervised` of 20_supervised), each with a manifest: the
commands, the commit the run was trained at, the seed, the wall time, the machine, the k-NN of the shipped
weights beside chance, raw pixels and the random network, and the attention Jaccard of 10_attention.
Every metric is measured on the weights as they are loaded back (`load_trained`), in fp32.
"""
import argparse, json, math, platform, subprocess, time, warnings
from pathlib import Path


def _round(x, digits=5):
    "Floats in nested lists and dicts rounded to `digits` significant digits (a smaller manifest)."
    if isinstance(x, float): return float(f'{x:.{digits}g}') if math.isfinite(x) else x
    if isinstance(x, dict): return {k: _round(v, digits) for k, v in x.items()}
    if isinstance(x, (list, tuple)): return [_round(v, digits) for v in x]
    return x


def machine() -> str:
    import torch
    cpu = platform.processor() or platform.machine()
    try: cpu = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): pass
    return f'{cpu}, {torch.get_num_threads()} threads, {torch.backends.cpu.get_cpu_capability()}'


def jaccard_scorer(cfg, n_eval:int=500):
    "The manifests' attention measure for `cfg`'s data: a function of a backbone giving 10_attention's `jaccard_summary`."
    from dino_nb.attention import mask_jaccard, jaccard_summary
    from dino_nb.data import Shapes
    imgs = Shapes(n_eval, size=64, seed=cfg.seed + 1, split='test', **cfg.shapes)   # held out, objects' masks at 64 px
    return lambda net: jaccard_summary(mask_jaccard(net, imgs.images, imgs.masks))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('run', help='the run folder of `dino-nb fit --preset cpu-base`')
    ap.add_argument('--fit-command', required=True, help='the exact command that trained the run (recorded)')
    ap.add_argument('--commit', help='the commit the run was trained at (default: HEAD)')
    ap.add_argument('--fit-wall-s', type=float, help="the fit command's wall time (default: the run's epoch times)")
    ap.add_argument('--n-eval', type=int, default=500, help='held-out images for the attention Jaccard')
    ap.add_argument('--out', help='folder to write (default: the package)')
    ap.add_argument('--keep-supervised', action='store_true',
                    help="keep the supervised twin already in the folder (trained from the same config) instead of training it again")
    a = ap.parse_args()

    import torch
    from dino_nb.train import FitResult, eval_sets, knn_eval, config_baselines
    from dino_nb.trained import save_trained, load_trained, trained_dir
    from dino_nb.supervised import train_supervised, label_accuracy, init_backbone, twin_key
    from dino_nb.data import Shapes
    warnings.simplefilter('ignore')
    cpu = torch.device('cpu')
    commit = a.commit or subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True).stdout.strip()
    out = Path(a.out or trained_dir())
    this = f'python tools/make_trained.py {a.run}' + ' --keep-supervised' * a.keep_supervised + f' --fit-command "{a.fit_command}"'

    res = FitResult.load(a.run)
    cfg, hist = res.cfg, res.history
    if a.keep_supervised:                                         # checked before anything is written
        kept = load_trained('cpu-base-supervised', out)
        if twin_key(kept.cfg) != twin_key(cfg):
            raise SystemExit('--keep-supervised: the shipped supervised twin was trained from another config: train it again (drop the flag)')
    bank, test = eval_sets(cfg)
    base = config_baselines(cfg, cpu, 'fp32')                    # on the same bank and test images
    jac = jaccard_scorer(cfg, a.n_eval)
    rand_j = jac(init_backbone(cfg).eval())
    common = dict(commit=commit, seed=cfg.seed, machine=machine(), torch=torch.__version__,
                  n_parameters=sum(p.numel() for p in res.teacher.parameters()))
    fit_wall = a.fit_wall_s or sum(hist['epoch']['seconds'])

    # the DINO teacher
    save_trained(res.teacher, cfg, 'cpu-base', out, kind='DINO teacher: backbone, head and centre',
                 head=res.dino.teacher.head, center=res.dino.center.center, commands=[a.fit_command, this],
                 wall_s=round(fit_wall, 1), history=_round(hist), baselines=_round(base), **common)
    t = load_trained('cpu-base', out)
    dino_knn = knn_eval(t.backbone, bank, test, cfg, cpu, 'fp32')
    student_at_end = hist['epoch']['knn_student'][-1]
    dino_j = jac(t.backbone)

    # the supervised network: same ViT, same initial weights, labels, as many images
    held_out = Shapes(cfg.n_test, size=cfg.source_size, seed=cfg.seed, split='test', **cfg.shapes)
    if a.keep_supervised:
        s, sup_wall = kept, kept.manifest['wall_s']
    else:
        t0 = time.time()
        bb, clf, sup_hist = train_supervised(cfg)
        sup_wall = time.time() - t0
        save_trained(bb, cfg, 'cpu-base-supervised', out, classifier=clf, kind='supervised backbone and linear classifier',
                     commands=[a.fit_command, this], wall_s=round(sup_wall, 1), classes=list(held_out.classes),
                     steps=len(sup_hist['loss']), history={'loss': _round(sup_hist['loss']), 'accuracy': _round(sup_hist['accuracy'])},
                     **common)
        s = load_trained('cpu-base-supervised', out)
    sup_knn = knn_eval(s.backbone, bank, test, cfg, cpu, 'fp32')
    sup_acc = label_accuracy(s.backbone, s.classifier, held_out, size=cfg.global_size)
    sup_j = jac(s.backbone)

    knn = {'DINO teacher': dino_knn, 'supervised': sup_knn, **base}
    jaccard = {'DINO teacher': dino_j, 'supervised': sup_j, 'random init': rand_j}
    metrics = dict(knn=_round(knn, 4), knn_student_at_training=round(student_at_end, 2),
                   knn_teacher_at_training=round(hist['epoch']['knn_teacher'][-1], 2),
                   supervised_label_accuracy=round(sup_acc, 2),
                   jaccard_64px=_round(jaccard, 4), jaccard_images=a.n_eval)
    for name in ('cpu-base', 'cpu-base-supervised'):
        p = out / f'{name}.json'
        man = json.loads(p.read_text()); man.update(metrics)
        p.write_text(json.dumps(man, indent=1))
    print(json.dumps({'fit_wall_s': round(fit_wall, 1), 'supervised_wall_s': round(sup_wall, 1), **metrics,
                      'files_kb': {f.name: round(f.stat().st_size / 1024) for f in sorted(out.glob('cpu-base*'))}}, indent=1))


if __name__ == '__main__':
    main()
