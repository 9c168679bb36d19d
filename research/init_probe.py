"""Does DINO escape the photograph when it starts from a backbone that already sees shapes?

    python research/init_probe.py /tmp/suite letters-photo           # cpu-tiny's budget, from the shipped cpu-base teacher
    python research/init_probe.py /tmp/suite letters-photo --budget base --set koleo_weight=0.1

DINO's targets are the teacher's own outputs, which start as those of a random network; on letters-photo the random
ViT's features carry the photograph's colour and texture, not the letter (research/shortcut_probe.py), and the
teacher never leaves the photograph. Hypothesis: a start whose features already carry shape (the shipped `cpu-base`
teacher, trained by DINO on `SCATTER`: frozen, 45.3 % on letters-flat-grey against 13.1 % for a random network)
bootstraps targets on the letter instead. The run is the suite's `dino` job (`benchmarks/generalization.py`) with both
backbones (student and teacher) loaded from the shipped teacher before the first step; the head starts at random.
Rows go to `research/factor_results.jsonl` (set `SET-from-shipped`).
"""
import argparse, json, sys, time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path[:0] = [str(ROOT / 'tools'), str(ROOT / 'benchmarks')]

RESULTS = Path(__file__).parent / 'factor_results.jsonl'


def start_from_shipped(run, name:str='cpu-base'):
    "Load the shipped `name` teacher's backbone into the run's student and teacher (the heads stay as built)."
    from dino_nb.trained import load_trained
    sd = load_trained(name).backbone.float().state_dict()
    for net in (run.res.dino.student, run.res.dino.teacher): net.backbone.load_state_dict(sd)
    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('root', help='where the suite sets are (tools/suite_data.py ROOT)')
    ap.add_argument('name', help='a set under root')
    ap.add_argument('--budget', default='tiny', choices=('tiny', 'base'))
    ap.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help='DINOConfig overrides (as dino-nb --set)')
    ap.add_argument('--results', default=str(RESULTS))
    a = ap.parse_args()
    import dino_nb.train as T
    from dino_nb.cli import parse_value
    from generalization import run_job, recipe, machine
    over = {k: parse_value(v) for k, v in (kv.split('=', 1) for kv in a.set)}
    setup = T.setup_run
    T.setup_run = lambda data, cfg: start_from_shipped(setup(data, cfg))      # fit builds its run through this
    out, t0 = f'runs/probe-{a.name}-from-shipped-{a.budget}', time.time()          # the run's folder
    r = dict(set=f'{a.name}-from-shipped', budget=a.budget, job='dino', over=over, recipe=recipe(a.budget, over),
             result=run_job('dino', a.name, a.budget, a.root, over, out_dir=out), wall_s=round(time.time() - t0, 1), machine=machine())
    with open(a.results, 'a') as f: f.write(json.dumps(r) + '\n')
    print(f"{r['set']} {a.budget}: {r['result']} ({r['wall_s']} s)", flush=True)


if __name__ == '__main__':
    main()
