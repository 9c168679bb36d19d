"""Does DINO keep letter features it is given, or does its objective pull them away?

    python research/warm_start_probe.py /tmp/suite letters-photo --labelled-images 24000   # cpu-tiny's DINO budget after
    python research/warm_start_probe.py /tmp/suite letters-photo --cache /tmp/start.pt --set lr=0.001   # one change
    python research/warm_start_probe.py /tmp/suite letters-photo --labelled-images 144000 --labelled-data /tmp/suite/shapes-photo

Every DINO run on letters-photo ends at chance, even where the views share nothing but the letter. Two readings: (a)
a bootstrapping failure: DINO's targets start as a random network's outputs, which carry the photograph and not the
letter, and nothing lifts the letter out of them; (b) a fixed-point failure: even targets that already carry the
letter would drift back to whatever the views agree on most. The probe tells them apart: the suite's
`dino` job starts from a backbone trained *with labels* on the same training images (the learnability gate's recipe:
`train_supervised`, 80-100 % crops, lr 1e-3) for `--labelled-images` images, so the first teacher already carries part
of the letter (its k-NN is printed and recorded as `start_knn`). If the teacher's k-NN then holds or rises, the
objective can use the letter once it is found (a); if it falls back towards chance, the objective itself does not
hold it (b). Whether the shared photograph is what pulls it away is `paired_views_probe.py --labelled-start`'s question
(measured: it is not; recipe_results.md, eighth session). `--labelled-data FOLDER` trains the start on another set's
classes instead (a start a user could have without labels for their own images). Labels make the start only; the run
itself is plain DINO. Rows go to `research/factor_results.jsonl` (set `SET-from-labels-N[-of-FOLDER]`).
"""
import argparse, dataclasses, json
from pathlib import Path
from patched_dino import run_patched

START = {}   # what the start was: filled by the patch, read after the run


def labelled_start(run, images:int, lr:float=1e-3, cache:Path=None, train=None, source:str=None):
    """Train the run's backbone with labels on `train` (default: its training images; `source` names other ones for the
    cache); load it into both networks; record its k-NN on the run's own images."""
    import torch
    from dino_nb.supervised import train_supervised, InMemoryImages, GATE_CROPS, twin_key
    from dino_nb.train import knn_eval
    cfg = run.res.cfg
    # the start depends on the network and the data, not on the DINO recipe being probed: the gate's crops, no extra
    # colour, and the default local scale (the supervised run cuts no local crops; it only keeps the cache key stable)
    start_cfg = dataclasses.replace(cfg, global_scale=GATE_CROPS, local_scale=type(cfg)().local_scale, augment={})
    key = json.dumps({**twin_key(start_cfg), 'images': images, 'lr': lr, 'source': source}, sort_keys=True, default=str)
    saved = torch.load(cache, weights_only=True) if cache and cache.exists() else None
    if saved is not None and saved['key'] == key: sd, info = saved['backbone'], saved['info']
    else:
        if train is None: train = InMemoryImages.of(run.train)
        backbone, _, hist = train_supervised(start_cfg, train, steps=max(1, images // cfg.batch_size), lr=lr)
        sd = backbone.state_dict()
        knn = knn_eval(backbone, run.bank, run.test, cfg, torch.device('cpu'), 'fp32')      # on the run's own images
        info = dict(labelled_images=images, **({'labelled_data': source} if source else {}), start_knn=round(knn, 1),
                    train_acc_last=round(100 * sum(hist['accuracy'][-20:]) / len(hist['accuracy'][-20:]), 1))
        if cache: torch.save(dict(key=key, backbone=sd, info=info), cache)
    for net in (run.res.dino.student, run.res.dino.teacher): net.backbone.load_state_dict(sd)
    START.update(info)
    print(f"start: trained with labels on {images:,} images, teacher k-NN {START['start_knn']} %", flush=True)
    return run


if __name__ == '__main__':
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument('--labelled-images', type=int, default=24_000)
    ap.add_argument('--cache', type=Path, help='keep the start here; reused only while every config field but the crop scales and colour agrees')
    ap.add_argument('--labelled-data', type=Path, help='a folder of other classes to train the start on (default: the run\'s own images)')
    a, rest = ap.parse_known_args()
    n, other = a.labelled_images, a.labelled_data

    def start(run):
        if other is None: return labelled_start(run, n, cache=a.cache)
        from dino_nb.train import load_splits
        from dino_nb.supervised import InMemoryImages
        train = InMemoryImages.of(load_splits(dataclasses.replace(run.res.cfg, data=str(other)))[0])
        return labelled_start(run, n, cache=a.cache, train=train, source=str(other))

    def patch(T):
        setup = T.setup_run
        T.setup_run = lambda data, cfg: start(setup(data, cfg))

    tag = f'from-labels-{n}' + (f'-of-{other.name}' if other else '')
    r = run_patched(__doc__.splitlines()[0], tag, patch, rest, extra=lambda: dict(start=dict(START)))
    print(json.dumps({**START, 'teacher': r['result']['teacher']}))
