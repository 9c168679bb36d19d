"""A preset's training cost in FLOPs, and the minutes it takes on a device at a given share of its peak.

FLOPs are counted with torch's FlopCounterMode over one `train_step` (teacher and student forward, backward) on a
small batch, divided by the batch: FLOPs per training image. Times the images a run sees (epochs x training images),
divided by the device's peak times the assumed share of it (MFU), this is the run's compute time. The default
device is Colab's free T4 (65 TFLOP/s fp16 tensor-core peak); 25 % of the peak is a typical share for a small ViT
with fp16 autocast there (measure yours with `benchmarks/step_time.py` on the GPU).

    python benchmarks/preset_flops.py                          # gpu-colab on a T4 at 25 % MFU
    python benchmarks/preset_flops.py --preset cpu-tiny --peak-tflops 0.12 --mfu 0.6   # a 2-core AVX2 CPU, fp32
"""
import argparse, json
import torch
from torch.utils.flop_counter import FlopCounterMode
from dino_nb.train import DINO, get_config, make_schedules, make_optimizer, train_step

TRAIN_IMAGES = {'cifar10': 50_000, 'stl10': 105_000}   # STL-10: 5 000 labelled + 100 000 unlabelled

def flops_per_image(cfg, batch:int=2) -> float:
    "FLOPs of one training step per image of the batch (forward and backward, teacher and student)."
    dino = DINO(cfg)
    opt = make_optimizer(dino.student, torch.device('cpu'))
    sched = make_schedules(cfg, iters_per_epoch=10)
    crops = [torch.randn(batch, 3, cfg.global_size, cfg.global_size) for _ in range(2)]
    crops += [torch.randn(batch, 3, cfg.local_size, cfg.local_size) for _ in range(cfg.n_local)]
    with FlopCounterMode(display=False) as fc: train_step(dino, dino.student, opt, crops, sched, 0, cfg)
    return fc.get_total_flops() / batch

def run_cost(preset:str='gpu-colab', peak_tflops:float=65., mfu:float=0.25, **over) -> dict:
    "FLOPs per image, images per run, total PFLOP and minutes at `mfu` of `peak_tflops`."
    cfg = get_config(preset, device='cpu', precision='fp32', **over)
    n = cfg.n_train if cfg.data == 'shapes' else TRAIN_IMAGES.get(cfg.data)
    if n is None: raise SystemExit(f'preset_flops.py: unknown training-set size for data={cfg.data!r}')
    f = flops_per_image(cfg)
    images = round(cfg.epochs * (n // cfg.batch_size)) * cfg.batch_size
    total = f * images
    return dict(preset=preset, overrides=over, gflop_per_image=round(f / 1e9, 3), images=images,
                pflop=round(total / 1e15, 3), peak_tflops=peak_tflops, mfu=mfu,
                minutes=round(total / (peak_tflops * 1e12 * mfu) / 60, 1))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--preset', default='gpu-colab')
    ap.add_argument('--peak-tflops', type=float, default=65., help='the device peak in the run precision (T4 fp16: 65)')
    ap.add_argument('--mfu', type=float, default=0.25, help='the assumed share of the peak')
    a = ap.parse_args()
    print(json.dumps(run_cost(a.preset, a.peak_tflops, a.mfu)))
