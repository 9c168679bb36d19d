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
from patched_dino import run_patched


def start_from_shipped(run, name:str='cpu-base'):
    "Load the shipped `name` teacher's backbone into the run's student and teacher (the heads stay as built)."
    from dino_nb.trained import load_trained
    sd = load_trained(name).backbone.float().state_dict()
    for net in (run.res.dino.student, run.res.dino.teacher): net.backbone.load_state_dict(sd)
    return run


def patch(T):
    "`fit` builds its run through `setup_run`: wrap it to start from the shipped teacher."
    setup = T.setup_run
    T.setup_run = lambda data, cfg: start_from_shipped(setup(data, cfg))


if __name__ == '__main__':
    run_patched(__doc__.splitlines()[0], 'from-shipped', patch)
