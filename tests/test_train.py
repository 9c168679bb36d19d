"""What the 09_train notebook cannot test in a cell: the `dino-nb` command, torchrun with 2 processes, NaN stops."""
import json, os, subprocess, sys, textwrap

import pytest
import torch

import dino_nb.train as train
import dino_nb.cli as cli
import dino_nb.config as config
from dino_nb.train import fit, FitResult, load_checkpoint, NonFiniteLoss

from conftest import TINY                  # a run small enough for seconds on 2 cores

def _cli_args(tmp, **over):
    cfg = {k: v for k, v in TINY.items() if k not in ('preset', 'precision')} | over
    return ['--preset', 'cpu-tiny', '--precision', 'fp32', '--set'] + [f'{k}={v}' for k, v in cfg.items()]

def test_cli_writes_run_folder(tmp_path):
    out = tmp_path / 'run'
    r = subprocess.run(['dino-nb', 'fit', '--epochs', '2', '--out', str(out)] + _cli_args(tmp_path),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    for f in ('checkpoint.pth', 'history.json', 'curves.png', 'attention.png'): assert (out / f).stat().st_size > 0
    h = json.loads((out / 'history.json').read_text())
    assert len(h['epoch']['epoch']) == 2 and set(h['baselines']) == {'chance', 'raw pixels', 'random init'}
    assert 'DINO teacher' in r.stdout and 'raw pixels' in r.stdout and 'random init' in r.stdout
    assert 'teacher - better baseline' in r.stdout           # knn_verdict's line
    assert FitResult.load(out).cfg.depth == 1

def test_cli_bad_input_is_a_clear_error(tmp_path):
    r = subprocess.run(['dino-nb', 'fit', '--data', str(tmp_path / 'nowhere'), '--out', str(tmp_path / 'r')],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and 'nowhere' in r.stderr and 'Traceback' not in r.stderr
    r = subprocess.run(['dino-nb', 'fit', '--set', 'epoch=3'], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and 'epochs' in r.stderr and 'Traceback' not in r.stderr

def test_nan_stops_and_keeps_last_good_checkpoint(tmp_path, monkeypatch):
    calls = {'n': 0}
    real = train.dino_loss_and_diagnostics
    def poisoned(*a, **k):
        loss, d = real(*a, **k)
        calls['n'] += 1
        if calls['n'] > 6:                                   # epoch 0 has 4 iterations: poison epoch 1
            return loss * float('nan'), {**d, 'loss': float('nan')}
        return loss, d
    monkeypatch.setattr(train, 'dino_loss_and_diagnostics', poisoned)
    with pytest.raises(NonFiniteLoss, match='last good checkpoint'):
        fit(epochs=3, out_dir=str(tmp_path), **TINY)
    ck = load_checkpoint(tmp_path / 'checkpoint.pth')
    assert ck['epoch'] == 1 and all(torch.isfinite(v).all() for v in ck['teacher'].values())
    assert not (tmp_path / 'checkpoint.pth.tmp').exists()

def test_resume_from_corrupt_checkpoint_is_a_clear_error(tmp_path):
    (tmp_path / 'checkpoint.pth').write_bytes(b'\x80\x02garbage')
    with pytest.raises(ValueError, match='corrupt'):
        fit(epochs=1, out_dir=str(tmp_path), resume=True, **TINY)

DDP_SCRIPT = textwrap.dedent('''
    import os, sys, torch, torch.distributed as dist
    from dino_nb.train import fit
    out = sys.argv[1]
    res = fit(epochs=2, out_dir=out, **{TINY!r})
    torch.save({{k: v.clone() for k, v in res.dino.teacher.state_dict().items()}}, f"{{out}}/teacher_rank{{dist.get_rank()}}.pt")
    torch.save(res.dino.center.center.clone(), f"{{out}}/center_rank{{dist.get_rank()}}.pt")
    dist.destroy_process_group()
''')

def test_torchrun_two_cpu_processes(tmp_path):
    script = tmp_path / 'ddp_fit.py'
    script.write_text(DDP_SCRIPT.format(TINY=TINY))
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    r = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port', '29517',
                        str(script), str(tmp_path)], capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    t0, t1 = (torch.load(tmp_path / f'teacher_rank{i}.pt', weights_only=True) for i in (0, 1))
    for k in t0: torch.testing.assert_close(t0[k], t1[k], msg=f'teacher {k} differs between ranks')
    c0, c1 = (torch.load(tmp_path / f'center_rank{i}.pt', weights_only=True) for i in (0, 1))
    torch.testing.assert_close(c0, c1)                                        # the centre is all-reduced
    ck = load_checkpoint(tmp_path / 'checkpoint.pth')                          # rank 0 saved it
    assert ck['epoch'] == 2 and r.stdout.count('dino_nb: cpu-tiny') == 1       # only rank 0 prints
    # two processes of 64 images: half the iterations per epoch of one process
    assert len(ck['history']['iter']['loss']) == 2 * (256 // (64 * 2))


def test_set_takes_json_for_dict_fields():
    from dino_nb.train import get_config
    from dino_nb.cli import parse_value as _parse_value
    v = _parse_value('{"clutter": 0, "background": ["plain"]}')
    assert v == {'clutter': 0, 'background': ['plain']}
    assert get_config('cpu-tiny', shapes=v).shapes == v
    assert _parse_value('0.4,1') == (0.4, 1) and _parse_value('true') is True
    assert _parse_value('[0.8, 1.0]') == [0.8, 1.0]                  # a JSON list, not the strings '[0.8' and '1.0]'
    assert get_config('cpu-tiny', global_scale=_parse_value('[0.8,1.0]')).global_scale == (0.8, 1.0)
    with pytest.raises(SystemExit, match='not valid JSON'): _parse_value('{clutter: 0}')


def test_momentum_schedule_end():
    from dino_nb.train import get_config, make_schedules
    s = make_schedules(get_config('gpu-small', epochs=2, warmup_epochs=1), iters_per_epoch=5)
    assert s.momentum[0] == 0.996 and abs(s.momentum[-1] - 1) < 1e-3          # the paper: cosine to 1
    s = make_schedules(get_config('cpu-tiny', epochs=2, momentum_teacher=0.996, momentum_teacher_end=0.996), iters_per_epoch=5)
    assert all(m == 0.996 for m in s.momentum)                                 # held (cpu-base holds 0.998)
    s = make_schedules(get_config('cpu-tiny'), iters_per_epoch=250)
    assert s.momentum[0] == 0.996 and abs(s.momentum[-1] - 0.98) < 1e-3        # the five-minute run: falls to 0.98
    assert all(a >= b for a, b in zip(s.momentum, s.momentum[1:]))
    s = make_schedules(get_config('cpu-tiny', epochs=2, momentum_teacher=0., momentum_teacher_end=0.), iters_per_epoch=5)
    assert all(m == 0 for m in s.momentum)                                     # no EMA: held at 0

def test_cli_offline_dataset_is_one_line(tmp_path, monkeypatch):
    "`dino-nb fit --data cifar10` with no internet ends with one 'dino-nb: ...' line, not a traceback."
    import dino_nb.data as data
    monkeypatch.setattr(data, 'reachable', lambda url, timeout=5.: False)
    with pytest.raises(SystemExit) as e:
        cli.main(['fit', '--data', 'cifar10', '--out', str(tmp_path / 'r'), '--set', f'data_root="{tmp_path}"'])
    msg = str(e.value)
    assert msg.startswith('dino-nb: cannot download cifar10: no internet') and '\n' not in msg, msg

def test_cli_nan_is_one_line(tmp_path, monkeypatch):
    "A loss that turns NaN under `dino-nb fit` ends with one 'dino-nb: ...' line naming the kept checkpoint."
    real = train.dino_loss_and_diagnostics
    def poisoned(*a, **k):
        loss, d = real(*a, **k)
        return loss * float('nan'), {**d, 'loss': float('nan')}
    monkeypatch.setattr(train, 'dino_loss_and_diagnostics', poisoned)
    with pytest.raises(SystemExit) as e: cli.main(['fit', '--out', str(tmp_path / 'r')] + _cli_args(tmp_path))
    msg = str(e.value)
    assert msg.startswith('dino-nb: the loss is nan') and 'checkpoint' in msg and '\n' not in msg, msg

def test_freeze_last_layer_counts_iterations():
    "freeze_last_layer=0.5 of a 2-epoch run of 4 iterations an epoch freezes the head's last layer for 2 iterations."
    cfg = train.get_config('cpu-tiny', **{k: v for k, v in TINY.items() if k not in ('preset', 'batch_size')},
                           epochs=2, freeze_last_layer=0.5, batch_size=4)
    torch.manual_seed(0); dino = train.DINO(cfg)
    opt, sched = train.make_optimizer(dino.student, torch.device('cpu')), train.make_schedules(cfg, iters_per_epoch=4)
    sched.lr[:] = 1e-3                                                 # no warm-up at 0: every step moves the weights
    crops = [torch.randn(4, 3, s, s) for s in [cfg.global_size] * 2 + [cfg.local_size] * cfg.n_local]
    last = lambda: torch.cat([p.detach().flatten().clone() for p in dino.student.head.last_layer.parameters()])
    moved = []
    for it in range(4):
        before = last(); train.train_step(dino, dino.student, opt, crops, sched, it, cfg); moved.append(not torch.equal(before, last()))
    assert moved == [False, False, True, True], moved

def test_fit_with_conv_stem_saves_and_reloads(tmp_path):
    cfg = {k: v for k, v in TINY.items() if k != 'preset'}
    res = fit('shapes', preset='cpu-tiny', epochs=1, stem='conv', out_dir=str(tmp_path / 'r'), **cfg)
    back = FitResult.load(tmp_path / 'r')
    assert back.cfg.stem == 'conv' and type(back.teacher.patch_embed).__name__ == 'ConvStem'
    x = torch.randn(2, 3, 32, 32)
    assert torch.equal(back.teacher.eval()(x), res.teacher.eval()(x))

def test_gpu_colab_fits_a_colab_session(tmp_path):
    "gpu-colab's FLOP count fits 20 minutes of a T4 at 15 % of its fp16 peak, and the preset trains (tiny, on the CPU)."
    from speed import run_cost                                      # benchmarks/speed.py
    cost = run_cost('gpu-colab', peak_tflops=65., mfu=0.15)
    assert 1e6 <= cost['images'] and cost['minutes'] <= 20, cost
    res = fit('shapes', preset='gpu-colab', depth=1, n_train=64, n_test=32, knn_train=32, knn_test=32, batch_size=32,
              epochs=1, warmup_epochs=0, out_dim=64, hidden_dim=64, bottleneck_dim=32, progress='none', device='cpu', out_dir=str(tmp_path))
    assert res.cfg.patch_size == 4 and res.cfg.n_local == 6 and len(res.history['iter']['loss']) == 2

def test_scatter_design_from_the_cli(tmp_path):
    "The SCATTER design as the CLI passes it (JSON lists, not tuples) makes the same images and trains."
    from dino_nb.data import SCATTER, Shapes
    as_json = json.loads(json.dumps(SCATTER))
    assert torch.equal(Shapes(32, 32, **as_json).images, Shapes(32, 32, **SCATTER).images)
    out = tmp_path / 'run'
    r = subprocess.run(['dino-nb', 'fit', '--epochs', '1', '--out', str(out)] + _cli_args(tmp_path) +
                       [f'shapes={json.dumps(SCATTER)}'], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    res = FitResult.load(out)
    assert tuple(res.cfg.shapes['count']) == (3, 6) and res.cfg.shapes['colours'] == 'dark'

# ---- issue 25: time budget, defaults, bad input before any work

def _tiny_budget():
    "TINY without its epochs: the preset's time budget applies (a few seconds here)."
    return {k: v for k, v in TINY.items()}

def test_time_budget_plans_a_run_that_equals_its_epoch_run(tmp_path, monkeypatch):
    "A budgeted run is the epoch run it planned. The speed is fixed here: a loaded CI host must not change the plan's logic."
    monkeypatch.setattr(train, 'measure_speed', lambda run: {'iter_s': 0.05, 'eval_image_s': 0.0005})
    res = fit(minutes=0.2, out_dir=str(tmp_path / 'b'), **_tiny_budget())
    b = res.history['budget']
    assert b['minutes'] == 0.2 and b['iterations'] == len(res.history['iter']['loss']) >= 1
    assert b['images'] == b['iterations'] * TINY['batch_size'] and b['images_per_s'] > 0
    assert res.cfg.minutes == 0.2 and res.cfg.epochs == pytest.approx(b['iterations'] / (TINY['n_train'] // TINY['batch_size']))
    ratio = res.cfg.warmup_epochs / res.cfg.epochs                     # every schedule the same fraction of the run
    assert ratio == pytest.approx(config.PRESETS['cpu-base']['warmup_epochs'] / config.PRESETS['cpu-tiny']['epochs'])
    planned = {k: getattr(res.cfg, k) for k in train.PLANNED_FIELDS}
    again = fit(out_dir=str(tmp_path / 'e'), **{**_tiny_budget(), **planned})   # epochs given: no budget, same run
    assert again.cfg.minutes == 0 and again.history['iter']['loss'] == res.history['iter']['loss']
    assert set(res.history['timing']) >= {'setup_s', 'speed_test_s', 'train_s', 'crops_s', 'knn_s', 'checkpoint_s'}

def test_budget_too_small_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="'minutes'"):
        fit(minutes=0.001, out_dir=str(tmp_path), **_tiny_budget())

def test_default_preset_on_cuda_finishes_in_minutes(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    assert config.default_preset() == 'cpu-base' and train.get_config().preset == 'cpu-base'
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    assert train.get_config().preset == 'cpu-tiny' and train.get_config().minutes == 5
    assert 'gpu-small' in config.PRESETS                                  # still there by name

@pytest.mark.parametrize('setting, words', [('lr=abc', "'lr' takes a number > 0, got 'abc'"),
                                            ('batch_size=-4', "'batch_size' takes a whole number >= 1, got -4"),
                                            ('global_scale=0.6,0.2', "'global_scale' takes two fractions"),
                                            ('precision=fp8', "'precision' takes one of")])
def test_cli_bad_config_value_is_one_line_before_any_work(tmp_path, setting, words):
    r = subprocess.run(['dino-nb', 'fit', '--out', str(tmp_path / 'r'), '--set', setting], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and words in r.stderr and 'Traceback' not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and 'dino_nb:' not in r.stdout and not (tmp_path / 'r').exists()

def test_cli_unwritable_run_folder_fails_before_training(tmp_path):
    blocker = tmp_path / 'file'; blocker.write_text('')                  # a folder inside a file cannot be made
    r = subprocess.run(['dino-nb', 'fit', '--out', str(blocker / 'run')], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and 'cannot write the run folder' in r.stderr and '--out' in r.stderr
    assert 'Traceback' not in r.stderr and 'epoch' not in r.stdout

def test_resume_without_checkpoint_says_so(tmp_path, capsys):
    fit(epochs=1, out_dir=str(tmp_path / 'new'), resume=True, **TINY)
    assert 'nothing to resume' in capsys.readouterr().out and (tmp_path / 'new' / 'checkpoint.pth').exists()

def test_dinov2_options_train_and_are_checked(tmp_path):
    "`koleo_weight` and `centering='sinkhorn'` change the run, stay finite, and bad values fail in one line."
    base = fit(epochs=1, out_dir=str(tmp_path / 'a'), **{**TINY, 'koleo_weight': 0}).history['iter']['loss']
    for over in (dict(koleo_weight=0.1), dict(centering='sinkhorn', koleo_weight=0)):
        res = fit(epochs=1, out_dir=str(tmp_path / next(iter(over))), **{**TINY, **over})
        loss = res.history['iter']['loss']
        assert all(torch.isfinite(torch.tensor(loss))) and loss != base, over
    for bad in (dict(centering='swav'), dict(koleo_weight=-1)):
        with pytest.raises(ValueError, match=next(iter(bad))): train.get_config('cpu-tiny', **bad)

def test_ibot_option_trains_resumes_exactly_and_is_checked(tmp_path, monkeypatch):
    "`ibot_weight` adds the masked-patch loss: finite, a different run, an exact resume with its patch centre, one-line errors."
    ib = {**TINY, 'koleo_weight': 0, 'precision': 'fp32'}
    base = fit(epochs=1, out_dir=str(tmp_path / 'base'), **ib).history['iter']['loss']
    straight = fit(epochs=2, out_dir=str(tmp_path / 'a'), **{**ib, 'ibot_weight': 1.0})
    loss = straight.history['iter']['loss']
    assert all(torch.isfinite(torch.tensor(loss))) and loss[:len(base)] != base
    assert straight.dino.student.backbone.mask_token.abs().sum() > 0            # the mask token learned
    real = train.train_epoch
    def interrupted(run, epoch):
        if epoch == 1: raise KeyboardInterrupt
        return real(run, epoch)
    monkeypatch.setattr(train, 'train_epoch', interrupted)
    with pytest.raises(KeyboardInterrupt): fit(epochs=2, out_dir=str(tmp_path / 'b'), **{**ib, 'ibot_weight': 1.0})
    monkeypatch.setattr(train, 'train_epoch', real)
    resumed = fit(epochs=2, out_dir=str(tmp_path / 'b'), resume=True, **{**ib, 'ibot_weight': 1.0})
    for (k, a), b in zip(straight.dino.teacher.state_dict().items(), resumed.dino.teacher.state_dict().values()):
        assert torch.equal(a, b), k
    assert torch.equal(straight.dino.patch_center.center, resumed.dino.patch_center.center)
    loaded = train.FitResult.load(tmp_path / 'b')
    assert torch.equal(loaded.dino.patch_center.center, resumed.dino.patch_center.center)
    plain = train.build_backbone(train.get_config(**{k: v for k, v in ib.items() if k != 'progress'}))
    from dino_nb.vit import load_checkpoint as load_backbone
    load_backbone(plain, tmp_path / 'b' / 'checkpoint.pth')                      # the mask token is left behind
    for bad in (dict(ibot_weight=-1), dict(ibot_mask_ratio=(0.6, 0.2)), dict(ibot_mask_p=2)):
        with pytest.raises(ValueError, match=next(iter(bad))): train.get_config('cpu-tiny', **bad)

def test_library_calls_leave_the_global_rng_alone(tmp_path):
    "`fit` and `config_baselines` seed inside `fork_rng`: the caller's random stream goes on as if they were not called."
    torch.manual_seed(123); expected = torch.rand(3)
    torch.manual_seed(123)
    fit(epochs=1, out_dir=str(tmp_path / 'a'), **TINY)
    train.config_baselines(train.get_config(**{k: v for k, v in TINY.items() if k != 'progress'}))
    assert torch.equal(torch.rand(3), expected)

def test_teacher_update_rules(tmp_path):
    "The paper's Table 7 teachers: λ = 0 is the student, `previous_epoch` the epoch's starting snapshot, `previous_iter` neither."
    from dino_nb.supervised import init_backbone
    same = lambda a, b: all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))   # weights (BN statistics move)
    runs = {rule: fit(epochs=1, out_dir=str(tmp_path / rule), teacher_update=rule, **TINY).dino
            for rule in ('previous_epoch', 'previous_iter')}
    runs['copy'] = fit(epochs=1, out_dir=str(tmp_path / 'copy'), **{**TINY, 'momentum_teacher': 0., 'momentum_teacher_end': 0.}).dino
    start = init_backbone(train.get_config(**{k: v for k, v in TINY.items() if k != 'progress'}))
    assert same(runs['copy'].teacher, runs['copy'].student)
    assert same(runs['previous_epoch'].teacher.backbone, start) and not same(runs['previous_epoch'].student.backbone, start)
    pi = runs['previous_iter']
    assert not same(pi.teacher, pi.student) and not same(pi.teacher.backbone, start)
