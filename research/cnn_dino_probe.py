"""Can DINO teach a small CNN what it cannot teach the ViT? The control for letters on photographs.

    python research/cnn_dino_probe.py /tmp/suite letters-photo              # cpu-tiny's budget (24 000 images)
    python research/cnn_dino_probe.py /tmp/suite scatter6                   # the built-in data: does CNN-DINO learn at all?
    python research/cnn_dino_probe.py /tmp/suite letters-photo --budget base --set lr=0.002

With labels, the suite's small CNN (`benchmarks/generalization.py`'s `small_cnn`: 4 blocks of 3×3 conv, BatchNorm,
ReLU, global pool) learns letters-photo to 83 % in 24 000 images where the ViT reaches 39 %, and DINO's ViT teacher
stays at chance at every budget tried. Hypothesis: the ViT's data efficiency, not DINO's objective, keeps the
letter out of reach; then DINO with the CNN as its backbone (the paper's ResNet-50 runs are DINO with a CNN) would
learn the letters where the ViT does not. The run is the suite's `dino` job with `build_backbone` returning the CNN
without its classifier (192-d pooled features, as wide as the ViT's CLS): same head, loss, crops, schedules and k-NN.
Rows go to `research/factor_results.jsonl` (set `SET-cnn`).
"""
import torch.nn as nn

from patched_dino import run_patched


class CNNBackbone(nn.Module):
    "The suite's small CNN up to its global pool: (B, 3, H, W) → (B, 192) at any input size."
    def __init__(self):
        super().__init__()
        from generalization import small_cnn
        cnn = small_cnn(10)
        self.net, self.embed_dim = cnn[:-1], cnn[-1].in_features   # without the classifier; its input width (192)
    def forward(self, x): return self.net(x)


def patch(T):
    "DINO builds its student and teacher through `build_backbone`: make it the CNN."
    T.build_backbone = lambda cfg, drop_path_rate=0.: CNNBackbone()


if __name__ == '__main__':
    run_patched(__doc__.splitlines()[0], 'cnn', patch)
