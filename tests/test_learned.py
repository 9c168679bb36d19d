"What `dino_nb.learned` (10b_what_it_learned) computes, checked against naive versions and on the shipped weights."
import torch
import torch.nn.functional as F
import pytest
from dino_nb.evaluate import prepare_images
from dino_nb.supervised import init_backbone as random_init
from dino_nb.learned import (three_networks, pca, nearest, retrieval_precision, patch_tokens,
                             patch_pca, position_similarity, neighbour_similarity, patch_distances, attention_distance,
                             block_attentions, mean_attention_distance, stem_filters, cluster_agreement)

@pytest.fixture(scope='module')
def shipped():
    "The three networks, and the first 600 bank / 300 test images of the run."
    from dino_nb.train import eval_sets
    nets, cfg = three_networks()
    bank, test = eval_sets(cfg)
    sub = torch.utils.data.Subset
    return nets, cfg, sub(bank, range(600)), sub(test, range(300))

def test_pca_of_a_low_rank_matrix():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(300, 2, generator=g) @ torch.randn(2, 12, generator=g) - 3
    proj, comps, ratio = pca(x, 4)
    assert abs(ratio[:2].sum().item() - 1) < 1e-5 and ratio[2:].max() < 1e-6
    torch.testing.assert_close(proj[:, :2] @ comps[:2], x - x.mean(0), atol=1e-4, rtol=0)

def test_nearest_against_a_loop():
    g = torch.Generator().manual_seed(2)
    bank, q = F.normalize(torch.randn(200, 16, generator=g), dim=1), F.normalize(torch.randn(7, 16, generator=g), dim=1)
    naive = torch.tensor([sorted(range(200), key=lambda i: -float(v @ bank[i]))[:5] for v in q])
    assert torch.equal(nearest(bank, q, 5), naive)
    labels = torch.arange(200) % 4
    assert retrieval_precision(bank, labels, bank, labels, 1) == 100

def test_distances_and_attention_distance():
    d = patch_distances(3, 4, 8)
    for i in range(12):
        for j in range(12):
            assert abs(d[i, j] - 8 * ((i // 4 - j // 4) ** 2 + (i % 4 - j % 4) ** 2) ** 0.5) < 1e-4
    eye = F.pad(torch.eye(12), (1, 0, 1, 0))[None, None].expand(2, 3, 13, 13)
    assert torch.equal(attention_distance(eye, d), torch.zeros(3))
    torch.testing.assert_close(attention_distance(torch.full((1, 2, 13, 13), 1 / 13), d), d.mean().expand(2))

def test_patch_pca_splits_two_kinds_of_patch():
    m = torch.zeros(5, 32, 32, dtype=torch.bool); m[:, 8:16, :] = True                   # row 1 of the 4×4 grid
    side = torch.zeros(5, 4, 4, dtype=torch.bool); side[:, 1] = True
    toy = torch.where(side[..., None], 1., -1.) * torch.randn(8) + 0.01 * torch.randn(5, 4, 4, 8)
    r = patch_pca(toy, m)
    assert torch.equal(r['object'], side) and r['rgb'].shape == (5, 4, 4, 3)

def test_random_init_leaves_the_rng_alone(shipped):
    nets, cfg, *_ = shipped
    torch.manual_seed(5); a = torch.rand(2)
    torch.manual_seed(5); net = random_init(cfg); b = torch.rand(2)
    assert torch.equal(a, b) and not nets["random init"].training
    torch.manual_seed(cfg.seed)
    from dino_nb.train import DINO
    torch.testing.assert_close(net.pos_embed, DINO(cfg).teacher.backbone.pos_embed)   # what the baselines build

def test_dino_beats_random_init_on_the_shipped_weights(shipped):
    from dino_nb.evaluate import extract_features, knn_accuracy
    nets, cfg, bank, test = shipped
    acc = {}
    for name, net in nets.items():
        (fb, lb), (ft, lt) = (extract_features(net, d, normalize=False) for d in (bank, test))
        acc[name] = knn_accuracy(fb, lb, ft, lt)
    assert acc['DINO'] > acc['random init'] + 30 and acc['supervised'] > acc['random init'] + 30

def test_shipped_networks_inside(shipped):
    nets, cfg, bank, test = shipped
    x = torch.stack([test[i][0] for i in range(8)])
    tok = patch_tokens(nets['DINO'], x)
    assert tok.shape == (8, 4, 4, 192)
    att = block_attentions(nets['DINO'], x)
    assert len(att) == cfg.depth and torch.equal(att[-1], nets['DINO'].get_last_selfattention(x))
    near, far = neighbour_similarity(position_similarity(nets['DINO']))
    assert near > far + 0.05                                                          # DINO learned some layout
    assert abs(neighbour_similarity(position_similarity(nets['random init']))[0]) < 0.05
    imgs = torch.stack([test.dataset.ds[i][0] for i in range(32)])                    # uint8
    d = mean_attention_distance(nets['random init'], imgs)
    assert d.shape == (cfg.depth, 3) and (abs(d - patch_distances(4, 4, 8).mean()) < 0.5).all()   # uniform at init
    assert stem_filters(nets['DINO']).shape == (48, 3, 3, 3)
    torch.testing.assert_close(prepare_images(imgs[:8], 'cpu'), x)                                # as the k-NN's `EvalImages`

def test_cluster_agreement_finds_blobs():
    blobs = torch.cat([torch.randn(40, 6) + 12 * torch.eye(6)[i] for i in range(4)])
    assert cluster_agreement(blobs, torch.arange(4).repeat_interleave(40))['ARI'] > 99
