"""Time one full DINO training step of dino_nb and compare it with this machine's matmul peaks.

The step is `dino_nb.train.train_step`: teacher and student forward, loss (fp32), backward, per-parameter
clipping, AdamW, the EMA step and the centre step, on crops already on the device (augmentation excluded).
FLOPs are counted once with torch's FlopCounterMode (matmuls and attention, forward and backward); the fp32 peak
(and the bf16 peak where the hardware has native bf16: a GPU, or a CPU with AVX512-BF16/AMX) is measured in the same
run with square matmuls, so the shares are of this machine, now. A CPU without native bf16 only emulates it, slowly:
there the bf16 peak is skipped (reported as null) instead of spending minutes measuring it.

    python benchmarks/step_time.py                       # the CPU preset (cpu-tiny), as `dino-nb fit` runs it
    python benchmarks/step_time.py --config bench-tiny --json
"""
import argparse, json, os, time
import torch
from torch.utils.flop_counter import FlopCounterMode

from dino_nb.train import make_optimizer, DINO, get_config, make_schedules, train_step
from dino_nb.infra import pick_device, pick_precision, autocast, cpu_has_bf16

def has_native_bf16(device) -> bool:
    "Whether bf16 matmuls run natively on `device` (else they are emulated and not worth timing)."
    return torch.cuda.is_bf16_supported() if device.type == 'cuda' else device.type == 'cpu' and cpu_has_bf16()

def matmul_peak(dtype, device, n=None, reps=None) -> float:
    "Best FLOP/s of an n×n matmul in `dtype`."
    n = n or (8192 if device.type == 'cuda' else 1024)   # 1024² already reaches the CPU's peak in ~20 ms a matmul
    reps = reps or (20 if device.type == 'cuda' else 10)
    a, b = (torch.randn(n, n, device=device, dtype=dtype) for _ in range(2))
    best = float('inf')
    for _ in range(3): a @ b
    for _ in range(reps):
        if device.type == 'cuda': torch.cuda.synchronize()
        t = time.perf_counter(); a @ b
        if device.type == 'cuda': torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t)
    return 2 * n ** 3 / best

def make_crops(cfg, device):
    "Random crops of the config's shapes: 2 global + n_local local, already on the device."
    g = [torch.randn(cfg.batch_size, 3, cfg.global_size, cfg.global_size, device=device) for _ in range(2)]
    l = [torch.randn(cfg.batch_size, 3, cfg.local_size, cfg.local_size, device=device) for _ in range(cfg.n_local)]
    return g + l

def bench(preset='cpu-tiny', precision='auto', steps=10, warmup=3, device='auto', **over):
    cfg = get_config(preset, **{'freeze_last_layer': 0, **over})   # the full step: last layer trained
    dev = pick_device(device); prec = pick_precision(dev, precision)
    torch.manual_seed(0)
    dino = DINO(cfg).to(dev)
    opt = make_optimizer(dino.student, dev)                     # as `fit` builds it (fused AdamW where torch has it)
    scaler = torch.amp.GradScaler(dev.type) if prec == 'fp16' else None
    sched = make_schedules(cfg, iters_per_epoch=steps + warmup + 1)
    crops, amp = make_crops(cfg, dev), autocast(dev, prec)
    with FlopCounterMode(display=False) as fc:
        train_step(dino, dino.student, opt, crops, sched, 0, cfg, amp, scaler)
    flops = fc.get_total_flops()
    for i in range(warmup): train_step(dino, dino.student, opt, crops, sched, i, cfg, amp, scaler)
    times = []
    for i in range(steps):
        if dev.type == 'cuda': torch.cuda.synchronize()
        t = time.perf_counter()
        train_step(dino, dino.student, opt, crops, sched, i, cfg, amp, scaler)
        if dev.type == 'cuda': torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    sec = sorted(times)[len(times) // 2]              # median
    peaks = {'bf16': matmul_peak(torch.bfloat16, dev) if has_native_bf16(dev) else None, 'fp32': matmul_peak(torch.float32, dev)}
    share = lambda p: None if p is None else flops / sec / p
    res = {'config': preset, 'device': str(dev), 'precision': prec, 'threads': torch.get_num_threads(), 'fused_adamw': bool(opt.defaults.get('fused')),
           'ms_per_step': 1e3 * sec, 'images_per_s': cfg.batch_size / sec, 'gflop_per_step': flops / 1e9,
           'gflop_per_s': flops / sec / 1e9, 'native_bf16': has_native_bf16(dev),
           'peak_bf16_tflops': peaks['bf16'] and peaks['bf16'] / 1e12, 'peak_fp32_tflops': peaks['fp32'] / 1e12,
           'share_of_bf16_peak': share(peaks['bf16']), 'share_of_fp32_peak': share(peaks['fp32']),
           'load_avg_1min': os.getloadavg()[0]}
    if dev.type == 'cuda': res['peak_memory_gib'] = torch.cuda.max_memory_allocated() / 2 ** 30
    return res

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--config', default='cpu-tiny', help='a preset of dino_nb.config.PRESETS')
    ap.add_argument('--precision', default='auto', help="'auto', 'bf16', 'fp16' or 'fp32'")
    ap.add_argument('--device', default='auto')
    ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--batch-size', type=int)
    ap.add_argument('--threads', type=int, help='torch threads (default: torch\'s choice)')
    ap.add_argument('--json', action='store_true', help='print one JSON object')
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    over = {'batch_size': a.batch_size} if a.batch_size else {}
    r = bench(a.config, a.precision, a.steps, device=a.device, **over)
    if a.json: print(json.dumps(r, indent=1))
    else:
        bf16 = (f"{100 * r['share_of_bf16_peak']:.1f}% of the bf16 peak ({r['peak_bf16_tflops']:.2f} TFLOP/s)" if r['native_bf16']
                else "no native bf16 here: bf16 peak not measured")
        print(f"{r['config']} on {r['device']} ({r['precision']}, {r['threads']} threads): {r['ms_per_step']:.0f} ms/step, "
              f"{r['images_per_s']:.0f} img/s, {r['gflop_per_step']:.0f} GFLOP/step, {r['gflop_per_s']:.0f} GFLOP/s = "
              f"{100 * r['share_of_fp32_peak']:.1f}% of the fp32 peak ({r['peak_fp32_tflops']:.2f} TFLOP/s); {bf16}")
