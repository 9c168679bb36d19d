"""The command line of the probes that run the suite's DINO job with one piece of the library swapped
(research/init_probe.py, research/cnn_dino_probe.py, research/warm_start_probe.py): one set, one budget, one row in research/factor_results.jsonl."""
import argparse, json, sys, time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path[:0] = [str(ROOT / 'tools'), str(ROOT / 'benchmarks')]

RESULTS = Path(__file__).parent / 'factor_results.jsonl'


def run_patched(description:str, tag:str, patch, argv=None, extra=None) -> dict:
    """Parse ROOT SET [--budget] [--set], apply `patch(dino_nb.train)`, run the suite's `dino` job, append its row as SET-TAG
    (with `extra()`'s fields, where given: what the patch measured)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument('root', help='where the suite sets are (tools/suite_data.py ROOT)')
    ap.add_argument('name', help='a set under root, or scatter6 / scatter')
    ap.add_argument('--budget', default='tiny', choices=('tiny', 'base'))
    ap.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help='DINOConfig overrides (as dino-nb --set)')
    ap.add_argument('--results', default=str(RESULTS))
    a = ap.parse_args(argv)
    import dino_nb.train as T
    from dino_nb.cli import parse_value
    from generalization import run_job, recipe, machine
    over = {k: parse_value(v) for k, v in (kv.split('=', 1) for kv in a.set)}
    patch(T)
    out, t0 = f'runs/probe-{a.name}-{tag}-{a.budget}', time.time()                   # the run's folder
    r = dict(set=f'{a.name}-{tag}', budget=a.budget, job='dino', over=over, recipe=recipe(a.budget, over),
             result=run_job('dino', a.name, a.budget, a.root, over, out_dir=out), wall_s=round(time.time() - t0, 1),
             machine=machine(), **(extra() if extra else {}))
    with open(a.results, 'a') as f: f.write(json.dumps(r) + '\n')
    print(f"{r['set']} {a.budget}: {r['result']} ({r['wall_s']} s)", flush=True)
    return r
