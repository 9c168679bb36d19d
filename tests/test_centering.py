"""`Center.update` under torch.distributed: two CPU processes (gloo) keep the same centre, the one of the whole batch."""
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from dino_nb.centering import Center

WORLD, B, K, MOMENTUM, STEPS = 2, 6, 5, 0.9, 3

def _batches(rank):
    "The per-process teacher outputs of every step: (STEPS, B, K), different on each rank."
    g = torch.Generator().manual_seed(100 + rank)
    return torch.randn(STEPS, B, K, generator=g) + 3 * rank

def _worker(rank, init_file, out_dir):
    dist.init_process_group('gloo', init_method=f'file://{init_file}', rank=rank, world_size=WORLD)
    try:
        center = Center(K, MOMENTUM)
        for t in _batches(rank): center.update(t)
        torch.save(center.center, f'{out_dir}/center{rank}.pt')
    finally: dist.destroy_process_group()

def test_all_reduced_center_is_the_center_of_the_concatenated_batches(tmp_path):
    mp.spawn(_worker, args=(str(tmp_path / 'init'), str(tmp_path)), nprocs=WORLD, join=True)
    centers = [torch.load(tmp_path / f'center{r}.pt', weights_only=True) for r in range(WORLD)]
    single = Center(K, MOMENTUM)  # one process that sees both ranks' batches concatenated
    for step in range(STEPS): single.update(torch.cat([_batches(r)[step] for r in range(WORLD)]))
    for c in centers: torch.testing.assert_close(c, single.center)
    # and it is not what either process would have on its own
    alone = Center(K, MOMENTUM)
    for t in _batches(0): alone.update(t)
    assert not torch.allclose(alone.center, single.center, atol=0.1)

def test_no_process_group_means_local_mean():
    assert not (dist.is_available() and dist.is_initialized())
    center = Center(K, momentum=0.)
    t = _batches(1)[0]
    center.update(t)
    torch.testing.assert_close(center.center, t.mean(0, keepdim=True))
