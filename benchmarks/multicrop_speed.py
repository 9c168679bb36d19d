"""Multi-crop speed: images per second per core, per-image (`MultiCrop`, torchvision) vs batched (`BatchedMultiCrop`).

Usage: `python benchmarks/multicrop_speed.py [--json] [--quick] [--configs cpu gpu] [--min-time 3]`.

Two recipes: `cpu` (32 px sources → 2×32 + 6×16 px crops) and `gpu` (96 px sources → 2×224 + 10×96 px crops).
The per-image transform runs over PIL images with one thread, as in a DataLoader worker (PyTorch gives each worker
one thread), so its rate is already per core. The batched transform runs on the CPU with one thread and with all
of them (per core = rate / threads), and on CUDA when there is a GPU (per GPU, not per core).
Sources are random noise: every operation costs the same whatever the pixels.
"""
import argparse, json, os, platform, time
import torch
from PIL import Image
from dino_nb.multicrop import BatchedMultiCrop, MultiCrop, MultiCropConfig

CONFIGS = {  # name: (source side, recipe, batch for the batched transform)
    'cpu': (32, MultiCropConfig.for_size(32, 16, n_local=6), 256),
    'gpu': (96, MultiCropConfig(global_size=224, local_size=96, n_local=10), 64),
}

def _timed(fn, min_time):
    "Run fn() (returns a number of images) until min_time seconds have passed; images per second."
    fn()  # warm-up
    n, t0 = 0, time.perf_counter()
    while (dt := time.perf_counter() - t0) < min_time: n += fn()
    return n / dt

def bench_per_image(cfg, side, min_time, n_imgs=32):
    "Images per second of `MultiCrop` over PIL images, with one thread."
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

def main(configs=('cpu', 'gpu'), min_time=3.0, quick=False):
    "Measure every config; a list of result rows."
    threads, rows = torch.get_num_threads(), []
    for name in configs:
        side, cfg, batch = CONFIGS[name]
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

def machine():
    "What the numbers were measured on."
    return dict(cpu=platform.processor() or platform.machine(), cores=os.cpu_count(), torch_threads=torch.get_num_threads(),
                torch=torch.__version__, cuda=torch.cuda.get_device_name() if torch.cuda.is_available() else None,
                load_avg_1min=os.getloadavg()[0] if hasattr(os, 'getloadavg') else None)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--json', action='store_true', help='print one JSON object instead of a table')
    ap.add_argument('--quick', action='store_true', help='tiny batches and 0.2 s per measurement (a smoke test)')
    ap.add_argument('--configs', nargs='+', default=['cpu', 'gpu'], choices=sorted(CONFIGS))
    ap.add_argument('--min-time', type=float, default=3.0, help='seconds per measurement')
    a = ap.parse_args()
    rows = main(a.configs, a.min_time, a.quick)
    if a.json: print(json.dumps(dict(machine=machine(), results=rows), indent=1))
    else:
        print(machine())
        for r in rows:
            per_core = '' if r['images_per_s_per_core'] is None else f"{r['images_per_s_per_core']:9.1f} img/s/core"
            print(f"{r['config']:4} {r['crops']:16} {r['impl']:28} {r['device']:4} threads={r['threads']} "
                  f"batch={r['batch']:<4} {r['images_per_s']:9.1f} img/s {per_core}")
