"""A/B the speed levers of the DINO training step, interleaved in one process so that machine load hits all alike.

Variants of `dino_nb.train.train_step` on a preset (default `bench-tiny`, bf16 autocast on a CPU with AMX):
- `before`: the model as it was (fused SDPA kernel at every length, DropPath as x * mask / keep then a separate add),
  per-tensor AdamW (torch's CPU default);
- `model`: the model as it is now (written-out attention for short CPU sequences, DropPath fused into the residual add);
- `model+fused_adamw`: the same plus `torch.optim.AdamW(..., fused=True)` (a proposed change to `setup_run`);
- `+bf16_residual`: also casts the residual stream to bf16 (a precision change, NOT adopted; measured only).
Reports the median wall time and process CPU time per step (CPU time is the fairer number on a shared machine).

    python benchmarks/step_variants.py --threads 2 --rounds 4 --json
"""
import argparse, json, os, statistics, time
import torch
from dino_nb import vit
from dino_nb.train import DINO, get_config, make_schedules, param_groups, autocast, train_step

_fused_attention, _add_to, _forward = vit.fused_attention, vit.DropPath.add_to, vit.VisionTransformer.forward
FLAGS = {}

def _patched_fused_attention(n, device): return True if FLAGS.get('old') else _fused_attention(n, device)
def _patched_add_to(self, x, y): return x + self(y) if FLAGS.get('old') else _add_to(self, x, y)
def _patched_forward(self, x):
    if not FLAGS.get('bf16_residual'): return _forward(self, x)
    x = self.prepare_tokens(x)
    if torch.is_autocast_enabled(x.device.type): x = x.to(torch.get_autocast_dtype(x.device.type))
    for blk in self.blocks: x = blk(x)
    return self.norm(x)[:, 0]
vit.fused_attention, vit.DropPath.add_to, vit.VisionTransformer.forward = _patched_fused_attention, _patched_add_to, _patched_forward

VARIANTS = {'before': (dict(old=True), {}), 'model': ({}, {}), 'model+fused_adamw': ({}, dict(fused=True)),
            '+bf16_residual': (dict(bf16_residual=True), dict(fused=True))}

def run(preset='bench-tiny', precision='bf16', rounds=4, variants=tuple(VARIANTS)):
    cfg, dev = get_config(preset, freeze_last_layer=0), torch.device('cpu')   # the full step: last layer trained
    torch.manual_seed(0)
    crops = [torch.randn(cfg.batch_size, 3, s, s) for s in [cfg.global_size] * 2 + [cfg.local_size] * cfg.n_local]
    amp, sched = autocast(dev, precision), make_schedules(cfg, iters_per_epoch=rounds + 10)
    nets = {}
    for v in variants:
        torch.manual_seed(0); dino = DINO(cfg)
        nets[v] = (dino, torch.optim.AdamW(param_groups(dino.student), **VARIANTS[v][1]))
    def step(v, i):
        FLAGS.clear(); FLAGS.update(VARIANTS[v][0]); dino, opt = nets[v]
        w, c = time.perf_counter(), time.process_time()
        train_step(dino, dino.student, opt, crops, sched, i, cfg, amp, None)
        return time.perf_counter() - w, time.process_time() - c
    for v in variants: step(v, 0)                                   # warm-up
    times = {v: [] for v in variants}
    for r in range(rounds):
        for v in variants: times[v].append(step(v, 1 + r))
    return {v: {'wall_ms': 1e3 * statistics.median(t[0] for t in ts), 'cpu_ms': 1e3 * statistics.median(t[1] for t in ts)}
            for v, ts in times.items()} | {'threads': torch.get_num_threads(), 'load_avg_1min': os.getloadavg()[0]}

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--config', default='bench-tiny'); ap.add_argument('--precision', default='bf16')
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--rounds', type=int, default=4)
    ap.add_argument('--variants', default=','.join(VARIANTS))
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    r = run(a.config, a.precision, a.rounds, tuple(a.variants.split(',')))
    if a.json: print(json.dumps(r, indent=1))
    else:
        for v, t in r.items():
            if isinstance(t, dict): print(f"{v:20s} {t['wall_ms']:8.0f} ms wall {t['cpu_ms']:8.0f} ms CPU per step")
        print(f"{r['threads']} threads, load {r['load_avg_1min']:.2f}")
