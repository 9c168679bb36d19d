"Tests of dino_nb.vit that the notebook keeps small: full-depth timm equivalence and load_pretrained on files."
import time
import pytest, torch
from torch.testing import assert_close
from dino_nb.vit import vit_small, vit_tiny, load_pretrained, DINO_PRETRAINED

timm = pytest.importorskip('timm')

@pytest.mark.parametrize('timm_name, ours, size, kw', [
    ('vit_small_patch16_224', lambda: vit_small(), 224, {}),
    ('vit_tiny_patch16_224', lambda: vit_tiny(patch_size=4, img_size=32), 32, dict(patch_size=4, img_size=32)),
])
def test_same_as_timm(timm_name, ours, size, kw):
    torch.manual_seed(0)
    ref = timm.create_model(timm_name, pretrained=False, num_classes=0, **kw).eval()
    model = ours().eval()
    model.load_state_dict(ref.state_dict(), strict=True)
    x = torch.randn(2, 3, size, size)
    with torch.no_grad():
        feats = ref.forward_features(x)                                     # (B, 1 + N, D), final norm applied
        assert (model(x) - feats[:, 0]).abs().max() < 1e-4
        assert_close(model.get_intermediate_layers(x)[0], feats, atol=1e-4, rtol=1e-4)

@pytest.fixture(scope='module')
def vits16_file(tmp_path_factory):
    "A random ViT-S/16 saved as a flat state dict under the official file name, and its output on one image."
    torch.manual_seed(0)
    src = vit_small().eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad(): want = src(x)
    d = tmp_path_factory.mktemp('cache')
    fname = DINO_PRETRAINED['dino_vits16'][2].split('/')[-1]
    torch.save(src.state_dict(), d / fname)
    sd = src.state_dict()
    torch.save({'teacher': {f'backbone.{k}': v for k, v in sd.items()} | {'head.last_layer.weight_g': torch.ones(4, 1)},
                'student': {f'module.backbone.{k}': v * 0 for k, v in sd.items()} | {'module.head.mlp.0.bias': torch.ones(4)},
                'epoch': 1}, d / 'checkpoint.pth')
    return d, fname, x, want

def test_load_pretrained_from_path_both_formats(vits16_file):
    d, fname, x, want = vits16_file
    for f in (fname, 'checkpoint.pth'):
        model = load_pretrained('dino_vits16', path=d / f)
        assert not model.training
        with torch.no_grad(): assert_close(model(x), want)

def test_load_pretrained_uses_cache_without_network(vits16_file):
    d, fname, x, want = vits16_file
    model = load_pretrained('dino_vits16', cache_dir=d, url='http://127.0.0.1:9/' + fname)  # found in cache: no download
    with torch.no_grad(): assert_close(model(x), want)

def test_offline_download_error_is_fast_and_clear(tmp_path):
    t = time.time()
    with pytest.raises(ConnectionError, match=r'path='):
        load_pretrained('dino_vits8', url='http://127.0.0.1:9/dino_deitsmall8_pretrain.pth', cache_dir=tmp_path, timeout=2)
    assert time.time() - t < 10
    assert not any(tmp_path.iterdir())  # nothing half-written left in the cache

def test_wrong_or_corrupt_file_names_the_file(vits16_file, tmp_path):
    d, fname, _, _ = vits16_file
    with pytest.raises(ValueError, match=fname):  # patch-16 weights into a patch-8 model
        load_pretrained('dino_vits8', path=d / fname)
    bad = tmp_path / 'broken.pth'
    bad.write_bytes(b'\x00' * 100)
    with pytest.raises(ValueError, match='broken.pth.*corrupt'):
        load_pretrained('dino_vits16', path=bad)
    with pytest.raises(FileNotFoundError, match='nothere.pth'):
        load_pretrained('dino_vits16', path=tmp_path / 'nothere.pth')

def test_conv_stem_is_an_option_beside_the_official_stem():
    from dino_nb.vit import vit_tiny
    from dino_nb.patch_embed import ConvStem, PatchEmbed
    torch.manual_seed(0); conv = vit_tiny(patch_size=8, img_size=32, depth=2, stem='conv')
    torch.manual_seed(0); patch = vit_tiny(patch_size=8, img_size=32, depth=2)
    assert isinstance(conv.patch_embed, ConvStem) and type(patch.patch_embed) is PatchEmbed   # the default is unchanged
    x = torch.randn(3, 3, 32, 32)
    assert conv(x).shape == patch(x).shape == (3, 192)
    assert conv.get_last_selfattention(x).shape == (3, 3, 17, 17)                              # same tokens after the stem
    differ = {k.split('.')[0] for k in set(conv.state_dict()) ^ set(patch.state_dict())}
    assert differ == {'patch_embed'}
    with pytest.raises(ValueError, match='stem must be one of'): vit_tiny(stem='resnet')
