"""Where a training step's time goes: `torch.profiler` over `train_step` on real crops, operators by self CPU time.

    ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 python benchmarks/step_profile.py --preset cpu-tiny
"""
import argparse, time, warnings
import torch
from torch.profiler import profile, ProfilerActivity
from dino_nb.train import get_config, setup_run, train_step, autocast

def profile_steps(preset='cpu-tiny', steps=10, warmup=5, precision='fp32', **over):
    "(ms a step, ms of crops a batch, the profiler's table) for `steps` steps of `preset` on the CPU."
    warnings.simplefilter('ignore')
    cfg = get_config(preset, precision=precision, device='cpu', progress='none', out_dir='runs/step-profile', **over)
    run = setup_run('shapes', cfg)
    imgs, gen, amp = run.train.ds.images[:cfg.batch_size], torch.Generator().manual_seed(0), autocast(run.device, run.precision)
    def crops():
        with torch.no_grad(): return run.crop(imgs, generator=gen)
    def step(i): train_step(run.res.dino, run.student, run.opt, crops(), run.sched, i, cfg, amp, run.scaler)
    for i in range(warmup): step(i)
    t = time.time(); [crops() for _ in range(steps)]; crop_ms = (time.time() - t) / steps * 1000
    t = time.time()
    with profile(activities=[ProfilerActivity.CPU]) as p:
        for i in range(steps): step(warmup + i)
    ms = (time.time() - t) / steps * 1000
    return ms, crop_ms, p.key_averages().table(sort_by='self_cpu_time_total', row_limit=15)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--preset', default='cpu-tiny'); ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--precision', default='fp32')
    a = ap.parse_args()
    ms, crop_ms, table = profile_steps(a.preset, a.steps, precision=a.precision)
    print(f'{a.preset}: {ms:.0f} ms a step under the profiler (crops included: {crop_ms:.0f} ms)\n{table}')
