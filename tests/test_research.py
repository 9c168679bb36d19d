"""Smoke tests of the probes in research/ (and of the data folder they read): each runs on tiny data and reports
numbers of the right shape. Marked `research`: CI runs them as their own step (`pytest -m research`)."""
import json, subprocess, sys
from pathlib import Path

import pytest
import torch

import dino_nb.train as train
from dino_nb.train import FitResult
from conftest import PROBE_RUN

pytestmark = pytest.mark.research
RESEARCH = Path(__file__).resolve().parents[1] / 'research'

def test_transfer_probe_script():
    "The transfer probe scores the shipped networks beside the baselines on each unseen design."
    from transfer_probe import transfer, DESIGNS
    r = transfer(n_bank=120, n_test=60)
    assert set(r) == set(DESIGNS)
    for row in r.values():
        assert list(row) == ['chance', 'raw pixels', 'random init', 'DINO teacher', 'supervised']
        assert all(0 <= v <= 100 for v in row.values())

def test_glyph_folder_transfer_and_learnability(tmp_path):
    """The untuned folder of letters: balanced classes, 32 px RGB, train/ and test/ that `load_splits` reads as a
    folder; the transfer probe and the learnability gate read it."""
    from glyph_folder import make_glyph_folder, LETTERS
    root = make_glyph_folder(tmp_path / 'glyphs', n_train=24, n_test=12, seed=3)
    for split, n in (('train', 24), ('test', 12)):
        counts = [len(list((root / split / c).glob('*.png'))) for c in LETTERS]
        assert counts == [n // len(LETTERS)] * len(LETTERS)
    tr, bank, test = train.load_splits(train.get_config('cpu-tiny', data=str(root), knn_train=10, knn_test=6))
    assert (len(tr), len(bank), len(test)) == (24, 10, 6)
    img, label = tr[0]
    assert img.dtype == torch.uint8 and tuple(img.shape) == (3, 32, 32) and 0 <= label < len(LETTERS)
    assert img.float().std() > 5                           # letters and noise, not a blank image
    again = make_glyph_folder(tmp_path / 'again', n_train=24, n_test=12, seed=3)
    assert (again / 'train/A/00000.png').read_bytes() == (root / 'train/A/00000.png').read_bytes()  # seeded
    from transfer_probe import transfer_folder
    row = transfer_folder(root, n_bank=12, n_test=6)          # the shipped networks, frozen, on the folder
    assert list(row) == ['chance', 'raw pixels', 'random init', 'DINO teacher', 'supervised']
    assert row['chance'] == round(100 / len(LETTERS), 1) and all(0 <= v <= 100 for v in row.values())
    from learnability import gate                              # the learnability gate reads a folder into memory
    g = gate(images=64, data=str(root), batch_size=8, knn_train=12, knn_test=6)
    assert g['steps'] == 8 and g['chance'] == round(100 / len(LETTERS), 1)
    assert all(0 <= g[k] <= 100 for k in ('supervised_acc', 'supervised_knn', 'raw_pixels_knn', 'random_init_knn'))

def test_ssl_sanity_script():
    "The SimCLR diagnostic: its loss prefers matching views, and a tiny run reports one k-NN per epoch."
    from ssl_sanity import nt_xent, simclr_knn
    z = torch.randn(16, 8)
    assert nt_xent(torch.cat([z[:8], z[:8]]) * 5) < nt_xent(z) - 1
    r = simclr_knn(**PROBE_RUN, epochs=2)
    assert r['steps'] == 8 and len(r['knn']) == 2 and all(0 <= k <= 100 for k in r['knn'])
    r = simclr_knn(cnn=True, **PROBE_RUN, epochs=1)                              # the CNN control's backbone
    assert r['backbone'] == 'cnn' and len(r['knn']) == 1 and 0 <= r['knn'][0] <= 100

def test_what_it_learned_script(tmp_path):
    "The attribute diagnostic re-draws the run's Shapes exactly and scores every attribute for every feature."
    from what_it_learned import attribute_knn
    train.fit('shapes', preset='cpu-tiny', out_dir=str(tmp_path), epochs=1, **PROBE_RUN, n_local=2, progress='none',
              shapes={'classes': ['circle', 'square', 'star'], 'rotate': False})
    t = attribute_knn(tmp_path)
    assert set(t) == {'teacher', 'random init', 'raw pixels', 'chance'}
    assert all(set(r) == set(t['chance']) and all(0 <= v <= 100 for v in r.values()) for r in t.values())
    assert t['chance']['shape'] >= 100 / 3 - 1e-6   # three balanced classes: the largest is at least a third
    res = FitResult.load(tmp_path)                  # its shape column is the run's own k-NN (images normalised once)
    _, bank, test = train.load_splits(res.cfg)
    k = train.knn_eval(res.teacher, train.EvalImages(bank, 32), train.EvalImages(test, 32), res.cfg, torch.device('cpu'))
    assert abs(t['teacher']['shape'] - k) < 0.051, (t['teacher']['shape'], k)

def test_what_it_learned_attributes_of_several_objects():
    "On a design with several objects an image, the diagnostic's columns are their count, size and brightness."
    from what_it_learned import attributes
    from dino_nb.data import SCATTER, Shapes
    cfg = train.get_config('cpu-tiny', shapes=json.loads(json.dumps(SCATTER)), n_train=200)
    a = attributes(cfg, 'train', 200)
    assert set(a) == {'shape', 'object count', 'object size', 'object brightness', 'background brightness'}
    assert torch.equal(a['shape'], Shapes(200, 32, seed=0, **SCATTER).labels)
    assert set(a['object count'].tolist()) == {0, 1, 2, 3}                    # 3..6 objects, counted from the fewest
    assert all(set(a[k].tolist()) == {0, 1, 2, 3} for k in ('object size', 'object brightness'))

def test_dynamics_probe_script(tmp_path):
    "The probe script patches in BatchNorm in the head and Sinkhorn targets, trains a tiny run and reports its numbers."
    args = ['epochs=1', *(f'{k}={v}' for k, v in PROBE_RUN.items()), 'n_local=2', f'out_dir={tmp_path}', '+bn', '+sk']
    out = subprocess.run([sys.executable, str(RESEARCH / 'dynamics_probe.py'), *args], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout
    r = json.loads(out.strip().splitlines()[-1])
    assert r['flags'] == ['+bn', '+sk'] and len(r['h']) == 1 and 0 < r['h'][0] <= r['logK'] + 1e-6
    assert len(r['teacher']) == 1 and 0 <= r['teacher'][0] <= 100

def test_shortcut_probe(tmp_path, tiny):
    "The shortcut probe scores the class and two colour targets for a run's teacher beside its baselines."
    from shortcut_probe import probe, colour_labels, readouts
    train.fit(epochs=1, out_dir=str(tmp_path), **tiny)
    r = probe(str(tmp_path))
    assert list(r) == ['class', 'mean colour', 'colour layout (4 × 4)']
    assert all(list(row) == ['teacher', 'random init', 'raw pixels', 'majority'] and all(0 <= v <= 100 for v in row.values())
               for row in r.values())
    ro = readouts(str(tmp_path))                              # the class by four readouts, for both networks
    assert list(ro) == ['teacher', 'random init'] and all(
        list(row) == ['k-NN, CLS', 'linear, CLS', 'k-NN, patch mean', 'linear, patch mean'] and all(0 <= v <= 100 for v in row.values())
        for row in ro.values())
    # colour clusters are found: images of two flat colours fall in two clusters, test images in the bank's
    red, blue = torch.zeros(3, 8, 8, dtype=torch.uint8), torch.zeros(3, 8, 8, dtype=torch.uint8)
    red[0], blue[2] = 250, 250
    lb, lt = colour_labels(torch.stack([red, blue] * 5), torch.stack([blue, red]), k=2)
    assert len(set(lb.tolist())) == 2 and lt.tolist() == [lb[1].item(), lb[0].item()]

def test_factor_probe_sets(tmp_path):
    """The factor probe's variants of letters-photo: balanced letter folders; the grey ones grey, the flat ones on one
    background colour, the photographed ones not; a bad variant name refused before any image is drawn."""
    import numpy as np
    from PIL import Image
    from factor_probe import write_variant, VARIANTS
    for v in VARIANTS:
        root = write_variant(v, tmp_path, n_train=20, n_test=10)
        for split, n in (('train', 20), ('test', 10)):
            files = sorted((root / split).glob('*/*.png'))
            assert len(files) == n and len({f.parent.name for f in files}) == 10
        a = np.asarray(Image.open(files[0]).convert('RGB')).astype(int)
        assert a.shape == (32, 32, 3)
        assert ((a[..., 0] == a[..., 1]) & (a[..., 1] == a[..., 2])).all() == v.endswith('grey')
    def background_share(v):                                                    # share of pixels in the commonest colour
        a = np.asarray(Image.open(sorted((tmp_path / v / 'train').glob('*/*.png'))[0]).convert('RGB')).reshape(-1, 3)
        return np.unique(a, axis=0, return_counts=True)[1].max() / len(a)
    assert background_share('letters-flat') > 0.3 > background_share('letters-photo-grey')   # flat vs photographed
    with pytest.raises(ValueError, match='variant'): write_variant('letters-photo', tmp_path)

def test_paired_views_probe_cuts_crop_k_from_rendering_k():
    "Each training image carries one rendering per crop, on different photos, and crop k of the multi-crop comes from rendering k."
    from paired_views_probe import make_set, PerViewCrop
    x, y = make_set(4, 3, grey=True, split='train')
    assert x.shape == (4, 9, 32, 32) and x.dtype == torch.uint8 and y.tolist() == [0, 1, 2, 3]
    assert not torch.equal(x[:, :3], x[:, 3:6])                                 # another photograph behind each
    assert torch.equal(x[:, 0], x[:, 1])                                        # grey
    marked = torch.cat([torch.full((2, 3, 8, 8), 40 * k, dtype=torch.uint8) for k in range(3)], 1)   # rendering k = 40k
    fake = lambda imgs, generator=None: [imgs] * 3                              # three "crops", each the input itself
    crops = PerViewCrop(fake, shared=False)(marked)
    assert [c.unique().tolist() for c in crops] == [[0], [40], [80]]
    assert all(c.unique().tolist() == [0] for c in PerViewCrop(fake, shared=True)(marked))

def test_cluster_probe(tmp_path, tiny):
    "The cluster probe scores a run folder's teacher with 10b's measures, each a percentage."
    from cluster_probe import cluster_scores
    train.fit(epochs=1, out_dir=str(tmp_path), **tiny)
    r = cluster_scores(str(tmp_path))
    assert list(r) == ['run', 'seed', 'koleo_weight', 'knn', 'same class in 5 nearest', 'NMI', 'ARI']
    assert all(0 <= r[k] <= 100 for k in ('knn', 'same class in 5 nearest', 'NMI')) and -100 <= r['ARI'] <= 100

def test_init_probe_starts_from_the_shipped_teacher(tmp_path):
    "The init probe's run starts with the shipped teacher's backbone in both networks and a fresh head."
    from init_probe import start_from_shipped
    from dino_nb.trained import load_trained
    cfg = train.get_config('cpu-base', **{**PROBE_RUN, 'depth': 4}, out_dir=str(tmp_path), precision='fp32')  # the shipped network
    run = train.setup_run('shapes', cfg)
    head = {k: v.clone() for k, v in run.res.dino.student.head.state_dict().items()}
    want = load_trained('cpu-base').backbone.float().state_dict()
    assert not torch.equal(run.res.dino.teacher.backbone.state_dict()['cls_token'], want['cls_token'])   # random before
    start_from_shipped(run)
    for net in (run.res.dino.student, run.res.dino.teacher):
        got = net.backbone.state_dict()
        assert all(torch.equal(got[k], want[k]) for k in want)
    assert all(torch.equal(v, head[k]) for k, v in run.res.dino.student.head.state_dict().items())

def test_cnn_dino_probe_backbone(monkeypatch):
    "The CNN control: 192-d pooled features at both crop sizes, and DINO builds student and teacher from it."
    from cnn_dino_probe import CNNBackbone
    net = CNNBackbone()
    assert net.embed_dim == 192 and net(torch.randn(2, 3, 32, 32)).shape == net(torch.randn(2, 3, 16, 16)).shape == (2, 192)
    monkeypatch.setattr(train, 'build_backbone', lambda cfg, drop_path_rate=0.: CNNBackbone())
    dino = train.DINO(train.get_config('cpu-tiny', out_dim=64))
    assert isinstance(dino.teacher.backbone, CNNBackbone)
    out = dino.student([torch.randn(4, 3, 32, 32)] * 2 + [torch.randn(4, 3, 16, 16)] * 2)
    assert out.shape == (16, 64) and torch.equal(dino.teacher.backbone.net[0].weight, dino.student.backbone.net[0].weight)

def test_patched_dino_runs_the_suite_job_with_the_patch(tmp_path, monkeypatch):
    "The patched probes' command line: the patch is applied before the run, and one row is appended, named SET-TAG."
    from glyph_folder import make_glyph_folder
    from patched_dino import run_patched
    make_glyph_folder(tmp_path / 'glyphs', n_train=64, n_test=32, seed=0)
    monkeypatch.chdir(tmp_path)                                                  # the run folder goes under runs/ here
    seen = []
    r = run_patched('test', 'noop', lambda T: seen.append(T.fit), extra=lambda: dict(start=dict(n=len(seen))), argv=[
        str(tmp_path), 'glyphs', '--results', str(tmp_path / 'rows.jsonl'), '--set', 'epochs=1', 'depth=1', 'batch_size=32',
        'knn_train=32', 'knn_test=32', 'n_local=2'])
    assert seen == [train.fit] and r['set'] == 'glyphs-noop' and (tmp_path / 'runs/probe-glyphs-noop-tiny').is_dir()
    row = json.loads((tmp_path / 'rows.jsonl').read_text())
    assert row['result'] == r['result'] and row['start'] == {'n': 1}            # `extra` is read after the run
    assert len(r['result']['teacher']) == 1 and 0 <= r['result']['teacher'][0] <= 100

def test_warm_start_probe_loads_a_labelled_start_and_reuses_it(tmp_path, monkeypatch):
    """The warm-start probe: student and teacher start from one backbone trained with labels (not the random init), its
    k-NN is recorded, and a cached start is reused only while the network, data and images agree."""
    import warm_start_probe as W
    from dino_nb import supervised
    cfg = train.get_config('cpu-tiny', **PROBE_RUN, out_dir=str(tmp_path / 'a'), precision='fp32')
    run = train.setup_run('shapes', cfg)
    random_cls = run.res.dino.teacher.backbone.cls_token.clone()
    cache = tmp_path / 'start.pt'
    W.labelled_start(run, images=64, cache=cache)
    got = [net.backbone.state_dict() for net in (run.res.dino.student, run.res.dino.teacher)]
    assert all(torch.equal(got[0][k], got[1][k]) for k in got[0])
    assert not torch.equal(got[1]['cls_token'], random_cls) and 0 <= W.START['start_knn'] <= 100
    assert W.START['labelled_images'] == 64 and cache.exists()
    from paired_views_probe import make_set, Rendered                          # the paired probe's start: its own letters
    letters = Rendered(*make_set(64, 1, grey=False, split='train'))
    letters.classes = tuple(range(10))
    other = train.setup_run('shapes', train.get_config('cpu-tiny', **PROBE_RUN, out_dir=str(tmp_path / 'c'), precision='fp32'))
    W.labelled_start(other, images=64, train=letters)
    assert not torch.equal(other.res.dino.teacher.backbone.cls_token, got[1]['cls_token'])
    calls = []
    monkeypatch.setattr(supervised, 'train_supervised', lambda *a, **k: calls.append(1) or (_ for _ in ()).throw(RuntimeError))
    again = train.setup_run('shapes', train.get_config('cpu-tiny', **PROBE_RUN, out_dir=str(tmp_path / 'b'), precision='fp32'))
    W.labelled_start(again, images=64, cache=cache)                                 # the same start, from the cache
    assert calls == [] and torch.equal(again.res.dino.teacher.backbone.cls_token, got[1]['cls_token'])
    with pytest.raises(RuntimeError):                                                # other images: trained again
        W.labelled_start(again, images=96, cache=cache)
    with pytest.raises(RuntimeError):                                                # another set's images: again
        W.labelled_start(again, images=64, cache=cache, train=letters, source='letters')
