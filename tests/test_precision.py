"The precision choices keep the maths: a bf16-autocast step stays close to an fp32 step, and the weights, optimiser state and centre stay fp32."
import copy, math
import torch
from dino_nb.train import DINO, get_config, make_schedules, param_groups, train_step
from dino_nb.infra import autocast
from dino_nb.loss import dino_loss
from conftest import TINY_NET

def _tiny():
    return get_config('bench-tiny', **{**TINY_NET, 'depth': 2}, batch_size=8, drop_path_rate=0.1)

def _crops(cfg):
    g = torch.Generator().manual_seed(1)
    sizes = [cfg.global_size] * 2 + [cfg.local_size] * cfg.n_local
    return [torch.randn(cfg.batch_size, 3, s, s, generator=g) for s in sizes]

def _loss_and_grads(dino, crops, precision):
    torch.manual_seed(0)                                               # the same drop-path masks
    dino.student.zero_grad(set_to_none=True)
    with autocast(torch.device('cpu'), precision):
        with torch.no_grad(): t = dino.teacher(crops[:2])
        s = dino.student(crops)
    loss = dino_loss(s, t, dino.center.center)
    loss.backward()
    return loss.item(), torch.cat([p.grad.flatten().float() for p in dino.student.parameters() if p.grad is not None])

def test_bf16_step_close_to_fp32():
    cfg = _tiny(); torch.manual_seed(0); dino = DINO(cfg)
    crops = _crops(cfg)
    l32, g32 = _loss_and_grads(dino, crops, 'fp32')
    l16, g16 = _loss_and_grads(dino, crops, 'bf16')
    assert abs(l16 - l32) < 0.01 * abs(l32)
    assert torch.nn.functional.cosine_similarity(g16, g32, dim=0) > 0.995
    # the master weights, the optimiser state and the EMA teacher stay fp32
    assert all(p.dtype == torch.float32 for p in dino.parameters())

def test_bf16_train_step_close_to_fp32():
    cfg = _tiny(); cfg.freeze_last_layer = 0; torch.manual_seed(0); d32 = DINO(cfg); d16 = copy.deepcopy(d32)
    crops, sched = _crops(cfg), make_schedules(cfg, iters_per_epoch=4)
    lr = max(sched.lr[1], 1e-4); sched.lr[1] = lr
    for d, prec in ((d32, 'fp32'), (d16, 'bf16')):
        opt = torch.optim.AdamW(param_groups(d.student))
        torch.manual_seed(0); diag = train_step(d, d.student, opt, crops, sched, 1, cfg,
                                                autocast(torch.device('cpu'), prec))
        assert math.isfinite(diag['loss'])
    # Adam's first step moves each weight by about lr: bf16 may flip a few signs of tiny gradients, no more
    diffs = torch.cat([(a - b).abs().flatten() for a, b in zip(d32.student.parameters(), d16.student.parameters())])
    assert diffs.max() <= 2.5 * lr and (diffs > 0.5 * lr).float().mean() < 0.1
    assert all(p.dtype == torch.float32 for p in list(d16.parameters()) + [d16.center.center])
