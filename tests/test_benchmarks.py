"""benchmarks/speed.py: each subcommand measures on tiny settings, and the CLI appends one JSON line with the
machine, the commit, the date and the config (the generalization suite has tests/test_suite.py)."""
import json, subprocess, sys
from pathlib import Path

import speed
from conftest import TINY_NET

ROOT = Path(__file__).resolve().parents[1]

def test_crops_cli_appends_a_record(tmp_path):
    "`speed.py crops --quick` prints rates for both implementations and appends them, with the machine and commit."
    results = tmp_path / 'speed.jsonl'
    cmd = [sys.executable, 'benchmarks/speed.py', 'crops', '--quick', '--json', '--configs', 'cpu', '--results', str(results)]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=True).stdout
    rec = json.loads(out)
    assert speed.load_results(results) == [rec]
    impls = {r['impl'] for r in rec['result']}
    assert any('per-image' in i for i in impls) and any('batched' in i for i in impls)
    assert all(r['images_per_s'] > 0 and r['config'] == 'cpu' for r in rec['result'])
    assert rec['bench'] == 'crops' and rec['config'] == {'configs': ['cpu'], 'min_time': 3.0, 'quick': True}
    m = rec['machine']
    assert m['cores'] >= 1 and m['threads'] >= 1 and m['torch'] and set(m['isa']) >= {'avx2', 'avx512f', 'amx_tile'}
    assert isinstance(rec['commit'], str) and rec['date'][:2] == '20'

def test_step_time_counts_flops_and_shares_of_the_peak():
    r = speed.step_time('cpu-tiny', 'fp32', steps=1, warmup=1, device='cpu', **TINY_NET, batch_size=8)
    assert r['ms_per_step'] > 0 and r['gflop_per_step'] > 0 and 0 < r['share_of_fp32_peak'] < 1.5
    assert (r['peak_bf16_tflops'] is None) == (not r['native_bf16'])

def test_profile_lists_the_operators():
    "The step profiler times real steps and lists the matmuls among the operators."
    r = speed.profile_steps('cpu-tiny', steps=1, warmup=1, n_train=64, n_test=16, batch_size=8, knn_train=8, knn_test=8)
    assert r['ms_per_step'] > 0 and r['crop_ms'] > 0 and 'aten::' in r['table']
    assert r['top_ops'] and all(o['op'] and o['self_ms_per_step'] >= 0 for o in r['top_ops'])

def test_variants_patch_is_undone():
    "The A/B's old attention and DropPath live only inside `_patched_vit`: importing speed.py changes nothing."
    from dino_nb import vit
    before = vit.fused_attention, vit.DropPath.add_to, vit.VisionTransformer.forward
    flags = {'old': True}
    with speed._patched_vit(flags):
        assert vit.fused_attention(4, 'cpu') is True
    assert (vit.fused_attention, vit.DropPath.add_to, vit.VisionTransformer.forward) == before
