"Tests of dino_nb.multicrop that a notebook cannot hold: worker processes and pickling (its speed: tests/test_benchmarks.py)."
import pickle
import torch
from torch.utils.data import DataLoader, Dataset
from dino_nb.multicrop import BatchedMultiCrop, MultiCrop, MultiCropConfig

class SameImage(Dataset):
    "The same image n times, through a transform."
    def __init__(self, n, tfm): self.n, self.tfm, self.img = n, tfm, torch.rand(3, 32, 32, generator=torch.Generator().manual_seed(0))
    def __len__(self): return self.n
    def __getitem__(self, i): return self.tfm(self.img), i

def test_dataloader_workers_draw_different_crops():
    "In worker processes the per-image transform collates crops-major and every image gets its own draws."
    tfm = MultiCrop(MultiCropConfig.for_size(32, 16, n_local=2))
    crops, idx = next(iter(DataLoader(SameImage(8, tfm), batch_size=8, num_workers=2)))
    assert [tuple(c.shape) for c in crops] == [(8, 3, 32, 32)] * 2 + [(8, 3, 16, 16)] * 2
    g1 = crops[0].flatten(1)
    assert len({tuple(r.tolist()) for r in g1}) == 8   # no two images share their crop, across workers too

def test_transforms_pickle():
    "Both transforms survive pickling (spawned DataLoader workers pickle the dataset)."
    for t in (MultiCrop(n_local=3), BatchedMultiCrop(n_local=3)):
        t2 = pickle.loads(pickle.dumps(t))
        assert t2.cfg == t.cfg
