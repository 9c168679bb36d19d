"""Speed of dino_nb, one CLI: each subcommand measures one thing, prints it, and appends it as one JSON line
(what was measured, the machine, the commit, the date, the config, the result) to `benchmarks/speed_results.jsonl`.

    python benchmarks/speed.py step                      # one training step of cpu-tiny (as `dino-nb fit` runs it) vs the matmul peaks
    python benchmarks/speed.py step --config bench-tiny --precision fp32 --steps 20 --threads 2
    python benchmarks/speed.py crops [--quick] [--configs cpu gpu] [--min-time 3]   # multi-crop images/s per core
    python benchmarks/speed.py flops                     # gpu-colab's FLOPs and minutes on a T4 at 25 % of its peak
    python benchmarks/speed.py flops --preset cpu-tiny --peak-tflops 0.12 --mfu 0.6  # a 2-core AVX2 CPU, fp32
    python benchmarks/speed.py profile --preset cpu-tiny  # torch.profiler's operators of a step, by self CPU time
    python benchmarks/speed.py variants --threads 2 --rounds 4   # A/B of the step's speed levers, interleaved

Every subcommand takes `--json` (print the whole record), `--results PATH` (append there instead) and `--no-save`;
`step`, `flops`, `profile` and `variants` take `--set KEY=VALUE ...` (`DINOConfig` overrides, as `dino-nb fit`).
To play an older CPU, set `ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2`
(the record keeps them, beside the CPU's own ISA flags).

- `step`: `dino_nb.train.train_step` (teacher and student forward, loss in fp32, backward, per-parameter clipping,
  AdamW, the EMA and centre steps) on crops already on the device (augmentation excluded). FLOPs are counted once with
  torch's FlopCounterMode; the fp32 peak (and the bf16 peak where the hardware has native bf16: a GPU, or a CPU with
  AVX512-BF16/AMX) is measured in the same run with square matmuls, so the shares are of this machine, now. A CPU
  without native bf16 only emulates it, slowly: there the bf16 peak is skipped (null).
- `crops`: per-image `MultiCrop` (PIL, one thread, as in a DataLoader worker) vs `BatchedMultiCrop` on the CPU with one
  thread and with all of them (per core = rate / threads), and on CUDA when there is a GPU (per GPU). Two recipes:
  `cpu` (32 px sources -> 2x32 + 6x16 px crops) and `gpu` (96 px -> 2x224 + 10x96). Sources are random noise.
- `flops`: FLOPs per training image (one `train_step` on a small batch, forward and backward) times the images a run
  sees, over the device's peak times the assumed share of it (MFU): the run's compute time. Default device: Colab's
  T4 (65 TFLOP/s fp16 tensor-core peak); 25 % is a typical share for a small ViT with fp16 autocast there.
- `profile`: `torch.profiler` over `train_step` on real crops of the preset's data (crop time measured apart).
- `variants`: `before` (fused SDPA at every length, DropPath as x * mask / keep then an add, per-tensor AdamW),
  `model` (as it is now), `model+fused_adamw` (plus `AdamW(fused=True)`), `+bf16_residual` (also a bf16 residual
  stream: a precision change, NOT adopted; measured only), interleaved in one process so that load hits all alike;
  median wall and process CPU time per step (CPU time is the fairer number on a shared machine).
"""
import argparse, contextlib, json, os, platform, statistics, subprocess, sys, time, warnings
from pathlib import Path

import torch

RESULTS = Path(__file__).parent / 'speed_results.jsonl'
ISA_ENV = ('ATEN_CPU_CAPABILITY', 'ONEDNN_MAX_CPU_ISA', 'MKL_ENABLE_INSTRUCTIONS')

# ---- the record: machine, commit, date

def _cpuinfo() -> tuple:
    "(model name, set of flags) of the first CPU in /proc/cpuinfo; ('', set()) where there is none."
    try: text = Path('/proc/cpuinfo').read_text()
    except OSError: return '', set()
    field = lambda k: next((l.split(':', 1)[1].strip() for l in text.splitlines() if l.startswith(k)), '')
    return field('model name'), set(field('flags').split())

def machine() -> dict:
    "What the numbers were measured on: CPU model and ISA, cores, torch threads and version, GPU, load."
    model, flags = _cpuinfo()
    isa = {k: k in flags for k in ('avx2', 'avx512f', 'avx512_bf16', 'amx_tile', 'amx_bf16')}
    return dict(cpu=model or platform.processor() or platform.machine(), isa=isa,
                torch_cpu_capability=torch.backends.cpu.get_cpu_capability(),
                isa_env={k: os.environ[k] for k in ISA_ENV if k in os.environ},
                cores=os.cpu_count(), threads=torch.get_num_threads(), torch=torch.__version__,
                cuda=torch.cuda.get_device_name() if torch.cuda.is_available() else None,
                load_avg_1min=os.getloadavg()[0] if hasattr(os, 'getloadavg') else None)

def commit() -> dict:
    "The short commit of this checkout ('' outside git) and whether `dino_nb/` differs from it."
    git = lambda *a: subprocess.run(['git', *a], capture_output=True, text=True, cwd=Path(__file__).parent)
    try: c, d = git('rev-parse', '--short', 'HEAD'), git('status', '--porcelain', '--', 'dino_nb')
    except OSError: return dict(commit='', dirty=None)
    return dict(commit=c.stdout.strip() if c.returncode == 0 else '', dirty=bool(d.stdout.strip()) if d.returncode == 0 else None)

def record(bench:str, config:dict, result) -> dict:
    "One line of the results file."
    return dict(bench=bench, date=time.strftime('%Y-%m-%d %H:%M:%S'), **commit(), machine=machine(), config=config, result=result)

def append(rec:dict, path=RESULTS):
    with open(path, 'a') as f: f.write(json.dumps(rec) + '\n')

def load_results(path=RESULTS) -> list:
    return [json.loads(l) for l in Path(path).read_text().splitlines() if l.strip()] if Path(path).exists() else []

# ---- step: one training step against this machine's matmul peaks

def has_native_bf16(device) -> bool:
    "Whether bf16 matmuls run natively on `device` (else they are emulated and not worth timing)."
    from dino_nb.infra import cpu_has_bf16
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

def step_time(preset='cpu-tiny', precision='auto', steps=10, warmup=3, device='auto', **over) -> dict:
    "Median time of a full `train_step`, its FLOPs, and its share of the fp32 (and native bf16) matmul peak."
    from torch.utils.flop_counter import FlopCounterMode
    from dino_nb.train import make_optimizer, DINO, get_config, make_schedules, train_step
    from dino_nb.infra import pick_device, pick_precision, autocast
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
           'batch_size': cfg.batch_size, 'ms_per_step': 1e3 * sec, 'images_per_s': cfg.batch_size / sec, 'gflop_per_step': flops / 1e9,
           'gflop_per_s': flops / sec / 1e9, 'native_bf16': has_native_bf16(dev),
           'peak_bf16_tflops': peaks['bf16'] and peaks['bf16'] / 1e12, 'peak_fp32_tflops': peaks['fp32'] / 1e12,
           'share_of_bf16_peak': share(peaks['bf16']), 'share_of_fp32_peak': share(peaks['fp32'])}
    if dev.type == 'cuda': res['peak_memory_gib'] = torch.cuda.max_memory_allocated() / 2 ** 30
    return res

def _show_step(r):
    bf16 = (f"{100 * r['share_of_bf16_peak']:.1f}% of the bf16 peak ({r['peak_bf16_tflops']:.2f} TFLOP/s)" if r['native_bf16']
            else "no native bf16 here: bf16 peak not measured")
    return (f"{r['config']} on {r['device']} ({r['precision']}, {r['threads']} threads): {r['ms_per_step']:.0f} ms/step, "
            f"{r['images_per_s']:.0f} img/s, {r['gflop_per_step']:.0f} GFLOP/step, {r['gflop_per_s']:.0f} GFLOP/s = "
            f"{100 * r['share_of_fp32_peak']:.1f}% of the fp32 peak ({r['peak_fp32_tflops']:.2f} TFLOP/s); {bf16}")

# ---- crops: multi-crop images per second per core

def _crop_configs():
    from dino_nb.multicrop import MultiCropConfig
    return {  # name: (source side, recipe, batch for the batched transform)
        'cpu': (32, MultiCropConfig.for_size(32, 16, n_local=6), 256),
        'gpu': (96, MultiCropConfig(global_size=224, local_size=96, n_local=10), 64)}
CROP_CONFIGS = ('cpu', 'gpu')

def _timed(fn, min_time):
    "Run fn() (returns a number of images) until min_time seconds have passed; images per second."
    fn()  # warm-up
    n, t0 = 0, time.perf_counter()
    while (dt := time.perf_counter() - t0) < min_time: n += fn()
    return n / dt

def bench_per_image(cfg, side, min_time, n_imgs=32):
    "Images per second of `MultiCrop` over PIL images, with one thread."
    from PIL import Image
    from dino_nb.multicrop import MultiCrop
    g = torch.Generator().manual_seed(0)
    imgs = [Image.fromarray(torch.randint(0, 256, (side, side, 3), dtype=torch.uint8, generator=g).numpy())
            for _ in range(n_imgs)]
    mc = MultiCrop(cfg)
    def run():
        for im in imgs: mc(im, generator=g)
        return len(imgs)
    return _timed(run, min_time)

def bench_batched(cfg, side, batch, device, min_time):
    "Images per second of `BatchedMultiCrop` on a uint8 batch already on `device`."
    from dino_nb.multicrop import BatchedMultiCrop
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (batch, 3, side, side), dtype=torch.uint8, generator=g).to(device)
    bmc = BatchedMultiCrop(cfg)
    def run():
        with torch.inference_mode(): bmc(x, generator=g)
        if device == 'cuda': torch.cuda.synchronize()
        return batch
    return _timed(run, min_time)

def with_threads(n, fn, *args):
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try: return fn(*args)
    finally: torch.set_num_threads(old)

def crop_rates(configs=CROP_CONFIGS, min_time=3.0, quick=False) -> list:
    "Measure every config; a list of result rows."
    threads, rows, all_configs = torch.get_num_threads(), [], _crop_configs()
    for name in configs:
        side, cfg, batch = all_configs[name]
        if quick: batch, min_time = 8, 0.2
        crops = f'2x{cfg.global_size} + {cfg.n_local}x{cfg.local_size}'
        row = dict(config=name, source=side, crops=crops)
        r = with_threads(1, bench_per_image, cfg, side, min_time, 4 if quick else 32)
        rows.append(dict(row, impl='per-image (MultiCrop, PIL)', device='cpu', threads=1, batch=1,
                         images_per_s=r, images_per_s_per_core=r))
        for n in sorted({1, threads}):
            r = with_threads(n, bench_batched, cfg, side, batch, 'cpu', min_time)
            rows.append(dict(row, impl='batched (BatchedMultiCrop)', device='cpu', threads=n, batch=batch,
                             images_per_s=r, images_per_s_per_core=r / n))
        if torch.cuda.is_available():
            r = bench_batched(cfg, side, 4 * batch, 'cuda', min_time)
            rows.append(dict(row, impl='batched (BatchedMultiCrop)', device='cuda', threads=threads, batch=4 * batch,
                             images_per_s=r, images_per_s_per_core=None))
    return rows

def _show_crops(rows):
    out = []
    for r in rows:
        per_core = '' if r['images_per_s_per_core'] is None else f"{r['images_per_s_per_core']:9.1f} img/s/core"
        out.append(f"{r['config']:4} {r['crops']:16} {r['impl']:28} {r['device']:4} threads={r['threads']} "
                   f"batch={r['batch']:<4} {r['images_per_s']:9.1f} img/s {per_core}")
    return '\n'.join(out)

# ---- flops: a preset's training cost and its minutes at a share of a device's peak

TRAIN_IMAGES = {'cifar10': 50_000, 'stl10': 105_000}   # STL-10: 5 000 labelled + 100 000 unlabelled

def flops_per_image(cfg, batch:int=2) -> float:
    "FLOPs of one training step per image of the batch (forward and backward, teacher and student)."
    from torch.utils.flop_counter import FlopCounterMode
    from dino_nb.train import DINO, make_schedules, make_optimizer, train_step
    dino = DINO(cfg)
    opt = make_optimizer(dino.student, torch.device('cpu'))
    sched = make_schedules(cfg, iters_per_epoch=10)
    crops = [torch.randn(batch, 3, cfg.global_size, cfg.global_size) for _ in range(2)]
    crops += [torch.randn(batch, 3, cfg.local_size, cfg.local_size) for _ in range(cfg.n_local)]
    with FlopCounterMode(display=False) as fc: train_step(dino, dino.student, opt, crops, sched, 0, cfg)
    return fc.get_total_flops() / batch

def run_cost(preset:str='gpu-colab', peak_tflops:float=65., mfu:float=0.25, **over) -> dict:
    "FLOPs per image, images per run, total PFLOP and minutes at `mfu` of `peak_tflops`."
    from dino_nb.train import get_config
    cfg = get_config(preset, device='cpu', precision='fp32', **over)
    n = cfg.n_train if cfg.data == 'shapes' else TRAIN_IMAGES.get(cfg.data)
    if n is None: raise SystemExit(f'speed.py flops: unknown training-set size for data={cfg.data!r}')
    f = flops_per_image(cfg)
    images = round(cfg.epochs * (n // cfg.batch_size)) * cfg.batch_size
    total = f * images
    return dict(preset=preset, overrides=over, gflop_per_image=round(f / 1e9, 3), images=images,
                pflop=round(total / 1e15, 3), peak_tflops=peak_tflops, mfu=mfu,
                minutes=round(total / (peak_tflops * 1e12 * mfu) / 60, 1))

# ---- profile: where a step's time goes

def profile_steps(preset='cpu-tiny', steps=10, warmup=5, precision='fp32', rows=15, **over) -> dict:
    "ms a step under the profiler, ms of crops a batch, the top `rows` operators by self CPU time, and the profiler's table."
    from torch.profiler import profile, ProfilerActivity
    from dino_nb.train import get_config, setup_run, train_step, autocast
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
    avg = p.key_averages()
    top = sorted(avg, key=lambda e: e.self_cpu_time_total, reverse=True)[:rows]
    return dict(ms_per_step=ms, crop_ms=crop_ms,
                top_ops=[dict(op=e.key, self_ms_per_step=e.self_cpu_time_total / 1e3 / steps, calls_per_step=e.count / steps) for e in top],
                table=avg.table(sort_by='self_cpu_time_total', row_limit=rows))

# ---- variants: A/B of the step's speed levers

VARIANTS = {'before': (dict(old=True), {}), 'model': ({}, {}), 'model+fused_adamw': ({}, dict(fused=True)),
            '+bf16_residual': (dict(bf16_residual=True), dict(fused=True))}

@contextlib.contextmanager
def _patched_vit(flags:dict):
    "Swap in the old attention and DropPath (flags['old']) and a bf16 residual stream (flags['bf16_residual']) while inside."
    from dino_nb import vit
    saved = vit.fused_attention, vit.DropPath.add_to, vit.VisionTransformer.forward
    _fused_attention, _add_to, _forward = saved
    def fused_attention(n, device): return True if flags.get('old') else _fused_attention(n, device)
    def add_to(self, x, y): return x + self(y) if flags.get('old') else _add_to(self, x, y)
    def forward(self, x):
        if not flags.get('bf16_residual'): return _forward(self, x)
        x = self.prepare_tokens(x)
        if torch.is_autocast_enabled(x.device.type): x = x.to(torch.get_autocast_dtype(x.device.type))
        for blk in self.blocks: x = blk(x)
        return self.norm(x)[:, 0]
    vit.fused_attention, vit.DropPath.add_to, vit.VisionTransformer.forward = fused_attention, add_to, forward
    try: yield
    finally: vit.fused_attention, vit.DropPath.add_to, vit.VisionTransformer.forward = saved

def step_variants(preset='bench-tiny', precision='bf16', rounds=4, variants=tuple(VARIANTS), **over) -> dict:
    "Median wall and process CPU ms per step of each variant, run in turn round after round."
    from dino_nb.train import DINO, get_config, make_schedules, param_groups, autocast, train_step
    cfg, dev = get_config(preset, **{'freeze_last_layer': 0, **over}), torch.device('cpu')   # the full step: last layer trained
    torch.manual_seed(0)
    crops = [torch.randn(cfg.batch_size, 3, s, s) for s in [cfg.global_size] * 2 + [cfg.local_size] * cfg.n_local]
    amp, sched = autocast(dev, precision), make_schedules(cfg, iters_per_epoch=rounds + 10)
    flags, nets = {}, {}
    for v in variants:
        torch.manual_seed(0); dino = DINO(cfg)
        nets[v] = (dino, torch.optim.AdamW(param_groups(dino.student), **VARIANTS[v][1]))
    def step(v, i):
        flags.clear(); flags.update(VARIANTS[v][0]); dino, opt = nets[v]
        w, c = time.perf_counter(), time.process_time()
        train_step(dino, dino.student, opt, crops, sched, i, cfg, amp, None)
        return time.perf_counter() - w, time.process_time() - c
    with _patched_vit(flags):
        for v in variants: step(v, 0)                                   # warm-up
        times = {v: [] for v in variants}
        for r in range(rounds):
            for v in variants: times[v].append(step(v, 1 + r))
    return {v: {'wall_ms': 1e3 * statistics.median(t[0] for t in ts), 'cpu_ms': 1e3 * statistics.median(t[1] for t in ts)}
            for v, ts in times.items()}

# ---- the CLI

def _overrides(pairs):
    from dino_nb.cli import set_overrides
    return set_overrides(pairs or [])

def measure(a) -> tuple:
    "(config, result, text) of the subcommand in `a`."
    over = _overrides(getattr(a, 'set', None))
    if a.bench == 'step':
        if a.batch_size: over['batch_size'] = a.batch_size
        r = step_time(a.config, a.precision, a.steps, device=a.device, **over)
        return dict(preset=a.config, precision=a.precision, device=a.device, steps=a.steps, overrides=over), r, _show_step(r)
    if a.bench == 'crops':
        rows = crop_rates(a.configs, a.min_time, a.quick)
        return dict(configs=a.configs, min_time=a.min_time, quick=a.quick), rows, _show_crops(rows)
    if a.bench == 'flops':
        r = run_cost(a.preset, a.peak_tflops, a.mfu, **over)
        return dict(preset=a.preset, peak_tflops=a.peak_tflops, mfu=a.mfu, overrides=over), r, json.dumps(r)
    if a.bench == 'profile':
        r = profile_steps(a.preset, a.steps, precision=a.precision, **over)
        table = r.pop('table')
        return (dict(preset=a.preset, steps=a.steps, precision=a.precision, overrides=over), r,
                f"{a.preset}: {r['ms_per_step']:.0f} ms a step under the profiler (crops included: {r['crop_ms']:.0f} ms)\n{table}")
    if a.bench == 'variants':
        vs = tuple(a.variants.split(','))
        r = step_variants(a.config, a.precision, a.rounds, vs, **over)
        text = '\n'.join(f"{v:20s} {t['wall_ms']:8.0f} ms wall {t['cpu_ms']:8.0f} ms CPU per step" for v, t in r.items())
        return dict(preset=a.config, precision=a.precision, rounds=a.rounds, variants=list(vs), overrides=over), r, text
    raise ValueError(a.bench)

def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split('\n\n')[1])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument('--json', action='store_true', help='print the whole record as JSON')
    common.add_argument('--results', default=str(RESULTS), help='the JSON-lines file the record is appended to')
    common.add_argument('--no-save', action='store_true', help='append nothing')
    common.add_argument('--threads', type=int, help="torch threads (default: torch's choice)")
    sets = argparse.ArgumentParser(add_help=False)
    sets.add_argument('--set', nargs='*', metavar='KEY=VALUE', help='DINOConfig overrides, as `dino-nb fit --set`')
    sub = ap.add_subparsers(dest='bench', required=True)
    p = sub.add_parser('step', parents=[common, sets], help='one training step vs the matmul peaks')
    p.add_argument('--config', default='cpu-tiny', help='a preset of dino_nb.config.PRESETS')
    p.add_argument('--precision', default='auto', help="'auto', 'bf16', 'fp16' or 'fp32'")
    p.add_argument('--device', default='auto')
    p.add_argument('--steps', type=int, default=10)
    p.add_argument('--batch-size', type=int)
    p = sub.add_parser('crops', parents=[common], help='multi-crop images per second per core, per-image vs batched')
    p.add_argument('--quick', action='store_true', help='tiny batches and 0.2 s per measurement (a smoke test)')
    p.add_argument('--configs', nargs='+', default=list(CROP_CONFIGS), choices=CROP_CONFIGS)
    p.add_argument('--min-time', type=float, default=3.0, help='seconds per measurement')
    p = sub.add_parser('flops', parents=[common, sets], help="a preset's FLOPs and its minutes at a share of a device's peak")
    p.add_argument('--preset', default='gpu-colab')
    p.add_argument('--peak-tflops', type=float, default=65., help='the device peak in the run precision (T4 fp16: 65)')
    p.add_argument('--mfu', type=float, default=0.25, help='the assumed share of the peak')
    p = sub.add_parser('profile', parents=[common, sets], help="torch.profiler's operators of a training step")
    p.add_argument('--preset', default='cpu-tiny'); p.add_argument('--steps', type=int, default=10)
    p.add_argument('--precision', default='fp32')
    p = sub.add_parser('variants', parents=[common, sets], help="A/B of the step's speed levers, interleaved")
    p.add_argument('--config', default='bench-tiny'); p.add_argument('--precision', default='bf16')
    p.add_argument('--rounds', type=int, default=4)
    p.add_argument('--variants', default=','.join(VARIANTS), help=f"comma-separated, of {', '.join(VARIANTS)}")
    return ap

def main(argv=None) -> dict:
    a = parser().parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    config, result, text = measure(a)
    rec = record(a.bench, config, result)
    if not a.no_save: append(rec, a.results)
    print(json.dumps(rec, indent=1) if a.json else text)
    if not a.no_save and not a.json: print(f'(appended to {a.results})', file=sys.stderr)
    return rec

if __name__ == '__main__': main()
