"""The shipped manifests' attention measure on the teachers of finished `dino-nb fit` run folders.

    python tools/run_jaccard.py RUN [RUN ...] [--n-eval 500]

For each run: the Jaccard (%) of the 60 %-mass masks of its teacher's last-block CLS attention with the objects'
masks, per head, best head and mean map, on `n_eval` held-out `Shapes` images of the run's design at 64 px
(`jaccard_scorer` of `make_trained.py`, the numbers its manifests hold). One JSON line a run.
"""
import argparse, json, sys, warnings
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from make_trained import jaccard_scorer, _round

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('runs', nargs='+', help='run folders of `dino-nb fit` on Shapes')
    ap.add_argument('--n-eval', type=int, default=500, help='held-out images scored')
    a = ap.parse_args()
    from dino_nb.train import FitResult
    warnings.simplefilter('ignore')
    for run in a.runs:
        res = FitResult.load(run)
        j = jaccard_scorer(res.cfg, a.n_eval)(res.teacher.float().eval())
        print(json.dumps({'run': run, 'seed': res.cfg.seed, 'images': a.n_eval, **_round(j, 4)}))
