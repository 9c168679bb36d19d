"File-system and network corner cases of dino_nb.data that a notebook cannot hold. No test touches the network."
import io, socket, time, urllib.error, urllib.request
import pytest, torch
from PIL import Image
import dino_nb.data as data

def _no_net(*args, **kwargs): raise urllib.error.URLError('[Errno -2] Name or service not known (simulated)')

@pytest.fixture
def no_repo_images(tmp_path, monkeypatch):
    "As after a plain pip install: no images/ folder next to the package, an empty cache."
    monkeypatch.setattr(data, '_images_dir', lambda: tmp_path / 'no_images_here')
    monkeypatch.setenv('DINO_NB_CACHE', str(tmp_path / 'cache'))
    return tmp_path / 'cache'

def test_photo_offline_error(no_repo_images, monkeypatch):
    monkeypatch.setattr(urllib.request, 'urlopen', _no_net)
    with pytest.raises(ConnectionError, match='no internet.*[Cc]lone the repo'):
        data.load_photo('cat')
    assert not (no_repo_images / 'cat.jpg').exists()          # nothing half-written

def test_photo_download_is_cached(no_repo_images, monkeypatch):
    buf = io.BytesIO(); Image.new('RGB', (30, 20), (200, 10, 10)).save(buf, 'JPEG')
    calls = []
    class Resp(io.BytesIO):
        def __enter__(self): return self
        def __exit__(self, *a): pass
    def fake_urlopen(url, timeout=None):
        calls.append(url); return Resp(buf.getvalue())
    monkeypatch.setattr(urllib.request, 'urlopen', fake_urlopen)
    img = data.load_photo('coffee')
    assert img.size == (30, 20) and img.mode == 'RGB'
    assert calls == [data.PHOTO_URL.format('coffee')] and (no_repo_images / 'coffee.jpg').exists()
    data.load_photo('coffee')
    assert len(calls) == 1                                      # second call reads the cache

def test_repo_photos_found_without_network(monkeypatch):
    monkeypatch.setattr(urllib.request, 'urlopen', _no_net)
    for n in data.photo_names(): assert data.load_photo(n).mode == 'RGB'

@pytest.mark.parametrize('name', ['cifar10', 'stl10'])
def test_torchvision_offline_is_quick_and_clear(name, tmp_path, monkeypatch):
    monkeypatch.setattr(data, 'reachable', lambda url, timeout=5.: False)
    t = time.time()
    with pytest.raises(ConnectionError, match="no internet.*(?s:.*)get_dataset\\('shapes'\\)"):
        data.get_dataset(name, root=tmp_path)
    assert time.time() - t < 10

def test_torchvision_download_failure_is_wrapped(tmp_path, monkeypatch):
    "The server looked reachable but the download itself fails (e.g. it stalls and times out)."
    monkeypatch.setattr(data, 'reachable', lambda url, timeout=5.: True)
    def stalled(*a, **k): raise socket.timeout('timed out (simulated)')
    monkeypatch.setattr(urllib.request, 'urlopen', stalled)
    old = socket.getdefaulttimeout()
    with pytest.raises(ConnectionError, match='downloading cifar10 failed.*by hand'):
        data.get_dataset('cifar10', root=tmp_path)
    assert socket.getdefaulttimeout() == old                    # the global timeout is restored

def test_missing_without_download(tmp_path):
    with pytest.raises(FileNotFoundError, match='download=False'):
        data.get_dataset('cifar10', root=tmp_path, download=False)

def test_reachable_never_hangs(monkeypatch):
    def hang(*a, **k): time.sleep(30); raise OSError('no answer')   # a network that never answers
    monkeypatch.setattr(socket, 'create_connection', hang)
    t = time.time()
    assert data.reachable('https://example.com/x', timeout=0.5) is False
    assert time.time() - t < 3

def _png_folder(root, n_per_class=2, size=(20, 12)):
    for c, colour in [('red', (255, 0, 0)), ('blue', (0, 0, 255))]:
        (root / c).mkdir(parents=True)
        for i in range(n_per_class): Image.new('RGB', size, colour).save(root / c / f'{i}.png')

def test_folder_train_test_layout(tmp_path):
    _png_folder(tmp_path / 'train', 3); _png_folder(tmp_path / 'val', 1)
    tr, te = data.get_dataset(tmp_path, size=8), data.get_dataset(tmp_path, train=False, size=8)
    assert (len(tr), len(te)) == (6, 2) and tr.classes == ('blue', 'red')
    x, y = tr[0]
    assert x.shape == (3, 8, 8) and y == 0 and x[2].mean() > 0.9 and x[0].mean() < 0.1   # blue
    assert tr.labels.tolist() == [0, 0, 0, 1, 1, 1]

def test_folder_corrupt_file_named(tmp_path):
    _png_folder(tmp_path)
    (tmp_path / 'red' / 'zz_truncated.png').write_bytes(b'\x89PNG\r\n\x1a\n' + b'\0' * 10)
    ds = data.get_dataset(tmp_path)
    with pytest.raises(ValueError, match='zz_truncated.png'): ds[len(ds) - 1]

def test_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder.*one sub-folder per class.*'shapes'"):
        data.get_dataset(tmp_path / 'nope')
    (tmp_path / 'a').mkdir(); (tmp_path / 'a' / 'notes.txt').write_text('hi')
    with pytest.raises(ValueError, match='no images found.*skipped 1 file.*notes.txt'): data.get_dataset(tmp_path)
    (tmp_path / 'b').mkdir(); (tmp_path / 'b' / 'x.png').write_bytes(b'')   # 'a' now has no image beside 'b'
    with pytest.raises(ValueError, match="class folder.*a in .*no image files.*notes.txt.*add images"): data.get_dataset(tmp_path)
    with pytest.raises(ValueError, match='unknown dataset'): data.get_dataset('imagenet')
    with pytest.raises(ValueError, match='only for shapes'): data.get_dataset(tmp_path, n=3)

def test_gray_shapes_keep_the_geometry_and_the_contrast():
    "colours='gray' draws the same shapes, positions and masks, in grey levels that keep their contrast."
    a, b = data.Shapes(300, 32, seed=3), data.Shapes(300, 32, seed=3, colours="gray")
    assert torch.equal(a.labels, b.labels) and torch.equal(a.masks, b.masks)
    x = b.images.float() / 255
    assert (x[:, 0] - x[:, 1]).abs().mean() < 0.05 < (a.images.float()[:, 0] / 255 - a.images.float()[:, 1] / 255).abs().mean()
    inside = (x.mean(1) * b.masks).sum((1, 2)) / b.masks.sum((1, 2))
    outside = (x.mean(1) * ~b.masks).sum((1, 2)) / (~b.masks).sum((1, 2))
    assert ((inside - outside).abs() > 0.05).float().mean() > 0.9        # the object stands out from its surround
    with pytest.raises(ValueError, match="'random', 'gray' or 'dark'"): data.Shapes(10, 32, colours="grey")
