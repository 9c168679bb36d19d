"""Untuned data for the generalization suite: real-looking 32-px sets written as folders of PNG files.

Each set is `ROOT/<name>/train/<class>/*.png` and `ROOT/<name>/test/<class>/*.png`, read back through the package's
folder loader exactly as a user's images would be (`dino-nb fit --data ROOT/<name>`). They bring what `SCATTER` never
had: colour that says nothing about the class (every object, letter, icon or texture gets a random colour), textured
backgrounds cut from real photographs (scikit-image's bundled photos and the package's own), several objects,
distractors and changes of scale. The designs were fixed before any run on them and are not tuned.

    python tools/suite_data.py /tmp/suite                     # every set, 8 000 train + 1 000 test images each
    python tools/suite_data.py /tmp/suite --sets letters-photo --show /tmp/letters.png

| set | classes | what it is |
|---|---|---|
| shapes-photo | 10 `Shapes` shapes | 1-2 shapes of one random colour, radius 30-60 % of the half side, on a photo crop |
| letters-photo | 10 capitals | one letter, one of 12 DejaVu faces, random colour, 45-85 % tall, on a photo crop |
| textures | 10 photos | a crop of one photo (scale 8-30 %), recoloured by a random two-colour ramp: texture only |
| letters-folder | 6 capitals | `glyph_folder.py`: 3-6 dark letters on a noisy grey |
| icons-photo (held out) | 10 DejaVu symbols | 1-2 icons of random colours, rotated, 35-70 % tall, on a photo crop |
| clutter-photo (held out) | 10 `Shapes` shapes | 2-4 shapes of random colours, rotated, with 1-3 photo-textured distractor blobs, on a photo crop |
"""
import argparse, functools, random, sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).parent))
from glyph_folder import make_glyph_folder            # noqa: E402  (the existing letters folder)

REPO = Path(__file__).resolve().parents[1]
SKIMAGE_PHOTOS = ('astronaut', 'brick', 'camera', 'chelsea', 'clock', 'coffee', 'coins', 'grass', 'gravel',
                  'hubble_deep_field', 'immunohistochemistry', 'moon', 'retina', 'rocket', 'page', 'text')
TEXTURE_CLASSES = ('brick', 'grass', 'gravel', 'chelsea', 'coffee', 'coins', 'hubble_deep_field', 'moon',
                   'immunohistochemistry', 'retina')   # textures: the class is the photo a crop came from
LETTER_CLASSES = tuple('AEFHKMRSWY')
ICON_CLASSES = ('✈', '☂', '☎', '✂', '♞', '⚓', '♫', '☘', '☀', '⚑')
SHAPE_CLASSES = ('circle', 'ring', 'crescent', 'triangle', 'square', 'diamond', 'star', 'cross', 'arrow', 'hexagon')
FONT_DIR = Path('/usr/share/fonts/truetype/dejavu')
FACES = ('DejaVuSans', 'DejaVuSans-Bold', 'DejaVuSans-Oblique', 'DejaVuSans-BoldOblique', 'DejaVuSerif', 'DejaVuSerif-Bold',
         'DejaVuSerif-Italic', 'DejaVuSansMono', 'DejaVuSansMono-Bold', 'DejaVuSansCondensed', 'DejaVuSansCondensed-Bold',
         'DejaVuSerifCondensed-Bold')
SS = 4                                                  # supersampling of the drawn sets
SETS = ('shapes-photo', 'letters-photo', 'textures', 'letters-folder', 'icons-photo', 'clutter-photo')
HELD_OUT = ('icons-photo', 'clutter-photo')             # reported once, never chosen on

@functools.lru_cache(maxsize=None)
def photos() -> dict:
    "name -> (H, W, 3) uint8 array: scikit-image's bundled photographs and the package's images/*.jpg."
    import skimage.data
    out = {}
    for n in SKIMAGE_PHOTOS:
        a = np.asarray(getattr(skimage.data, n)())
        out[n] = np.repeat(a[..., None], 3, -1) if a.ndim == 2 else a[..., :3]
    for p in sorted((REPO / 'images').glob('*.jpg')): out['images/' + p.stem] = np.asarray(Image.open(p).convert('RGB'))
    return out

@functools.lru_cache(maxsize=None)
def font(face:str, px:int) -> ImageFont.FreeTypeFont:
    "A DejaVu face at `px` pixels (Pillow's own scalable font where DejaVu is not installed)."
    try: return ImageFont.truetype(str(FONT_DIR / f'{face}.ttf'), px)
    except OSError: return ImageFont.load_default(size=px)

def photo_crop(rng:random.Random, side:int, names=None, scale=(0.15, 0.6)) -> Image.Image:
    "A random square crop of a random photo (its side `scale` of the photo's shorter side), flipped at random, `side` px."
    pool = photos()
    a = pool[rng.choice(sorted(names or pool))]
    h, w = a.shape[:2]
    s = max(4, int(rng.uniform(*scale) * min(h, w)))
    y, x = rng.randrange(h - s + 1), rng.randrange(w - s + 1)
    img = Image.fromarray(np.ascontiguousarray(a[y:y + s, x:x + s])).resize((side, side), Image.BICUBIC)
    return img.transpose(Image.FLIP_LEFT_RIGHT) if rng.random() < 0.5 else img

def random_colour(rng:random.Random) -> tuple:
    "An RGB colour of random hue, saturation and brightness: colour says nothing about the class."
    import colorsys
    return tuple(int(255 * c) for c in colorsys.hsv_to_rgb(rng.random(), rng.uniform(0.3, 1), rng.uniform(0.25, 1)))

def draw_glyph(img:Image.Image, text:str, rng:random.Random, height=(0.45, 0.85), rotate=0., faces=FACES):
    "Draw `text` on `img` in place: a random face and colour, `height` of the image tall, rotated up to ±`rotate` degrees."
    side = img.size[0]
    f = font(rng.choice(faces), max(6, int(rng.uniform(*height) * side)))
    x0, y0, x1, y1 = ImageDraw.Draw(img).textbbox((0, 0), text, font=f)
    layer = Image.new('L', (x1 - x0 + 4, y1 - y0 + 4))
    ImageDraw.Draw(layer).text((2 - x0, 2 - y0), text, font=f, fill=255)
    if rotate: layer = layer.rotate(rng.uniform(-rotate, rotate), resample=Image.BICUBIC, expand=True)
    px, py = rng.randint(0, max(0, side - layer.size[0])), rng.randint(0, max(0, side - layer.size[1]))
    img.paste(Image.new('RGB', layer.size, random_colour(rng)), (px, py), layer)

def letters_photo(label:int, rng:random.Random, size:int=32) -> Image.Image:
    img = photo_crop(rng, size * SS)
    draw_glyph(img, LETTER_CLASSES[label], rng)
    return img.resize((size, size), Image.LANCZOS)

def icons_photo(label:int, rng:random.Random, size:int=32) -> Image.Image:
    img = photo_crop(rng, size * SS)
    for _ in range(rng.randint(1, 2)): draw_glyph(img, ICON_CLASSES[label], rng, (0.35, 0.7), rotate=30, faces=('DejaVuSans',))
    return img.resize((size, size), Image.LANCZOS)

def textures(label:int, rng:random.Random, size:int=32) -> Image.Image:
    grey = np.asarray(photo_crop(rng, size, [TEXTURE_CLASSES[label]], scale=(0.08, 0.3)).convert('L'), dtype=np.float32) / 255
    lo, hi = (np.array(random_colour(rng), dtype=np.float32) for _ in range(2))
    return Image.fromarray((lo + grey[..., None] * (hi - lo)).clip(0, 255).astype(np.uint8))

def _shapes_on_photos(labels:list, rng:random.Random, size:int, seed:int, **design) -> list:
    "`Shapes` objects (their own renderer and masks) composited over photo crops, one image per label."
    from dino_nb.data import Shapes
    n, out = len(labels), []
    sh = Shapes(max(2 * n, 200), size=size, seed=seed, classes=SHAPE_CLASSES, colours='random', background=('plain',),
                clutter=0, noise=0.0, **design)                 # twice as many as needed: every class has enough
    pools, used = {c: (sh.labels == c).nonzero()[:, 0].tolist() for c in set(labels)}, {}
    for lab in labels:
        k = used[lab] = used.get(lab, -1) + 1
        j = pools[lab][k % len(pools[lab])]                     # the next unused image of the wanted class
        bg = np.asarray(photo_crop(rng, size), dtype=np.uint8).copy()
        m = sh.masks[j].numpy()[..., None]
        out.append(Image.fromarray(np.where(m, sh.images[j].permute(1, 2, 0).numpy(), bg)))
    return out

def _distractors(img:Image.Image, rng:random.Random, k=(1, 3), radius=(0.12, 0.25)):
    "Paste 1-3 discs of another photo's texture on `img`: clutter that belongs to no class."
    side = img.size[0]
    for _ in range(rng.randint(*k)):
        r = int(rng.uniform(*radius) * side)
        mask = Image.new('L', (2 * r, 2 * r)); ImageDraw.Draw(mask).ellipse((0, 0, 2 * r - 1, 2 * r - 1), fill=255)
        img.paste(photo_crop(rng, 2 * r, scale=(0.05, 0.2)), (rng.randint(-r, side - r), rng.randint(-r, side - r)), mask)

def write_splits(out, name:str, classes, make, n_train:int=8000, n_test:int=1000, seed:int=0) -> Path:
    "Write out/{train,test}/<class>/*.png, classes balanced, from `make(labels, rng, split_seed)` (a list of images)."
    out = Path(out)
    for split, n, s in (('train', n_train, seed), ('test', n_test, seed + 1)):
        rng = random.Random(f'{name}/{split}/{s}')
        labels = [i % len(classes) for i in range(n)]
        imgs = make(labels, rng, s)
        for c in classes: (out / split / c).mkdir(parents=True, exist_ok=True)
        for i, (lab, im) in enumerate(zip(labels, imgs)): im.save(out / split / classes[lab] / f'{i:05d}.png')
    return out

def write_set(name:str, root, n_train:int=8000, n_test:int=1000, size:int=32, seed:int=0) -> Path:
    "Write one set of the suite as root/name/{train,test}/<class>/*.png, classes balanced; returns its folder."
    out = Path(root) / name
    if name == 'letters-folder': return make_glyph_folder(out, n_train, n_test, size, seed)
    classes = {'shapes-photo': SHAPE_CLASSES, 'clutter-photo': SHAPE_CLASSES, 'letters-photo': LETTER_CLASSES,
               'icons-photo': [f'u{ord(c):04x}' for c in ICON_CLASSES], 'textures': TEXTURE_CLASSES}[name]
    def make(labels, rng, s):
        if name == 'shapes-photo':
            return _shapes_on_photos(labels, rng, size, 2 * s + 7, count=(1, 2), scale=(0.3, 0.6))
        if name == 'clutter-photo':
            imgs = []
            for im in _shapes_on_photos(labels, rng, size * 2, 2 * s + 11, count=(2, 4), scale=(0.2, 0.4)):
                _distractors(im, rng); imgs.append(im.resize((size, size), Image.LANCZOS))
            return imgs
        draw = {'letters-photo': letters_photo, 'icons-photo': icons_photo, 'textures': textures}[name]
        return [draw(lab, rng, size) for lab in labels]
    return write_splits(out, name, classes, make, n_train, n_test, seed)

def show_set(folder, path, n:int=24):
    "Save a grid of the first `n` training images of a set folder, one class per column where it can."
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    files = sorted(Path(folder, 'train').glob('*/*.png'))
    by_class = {}
    for f in files: by_class.setdefault(f.parent.name, []).append(f)
    pick = [fs[i] for i in range(3) for fs in by_class.values() if i < len(fs)][:n]
    fig, axs = plt.subplots(3, len(pick) // 3, figsize=(len(pick) // 3 * 0.9, 3))
    for a, f in zip(axs.flat, pick): a.imshow(Image.open(f)); a.set_title(f.parent.name, fontsize=6); a.axis('off')
    fig.tight_layout(); fig.savefig(path, dpi=100); plt.close(fig)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('root')
    ap.add_argument('--sets', nargs='*', default=list(SETS), choices=SETS)
    ap.add_argument('--n-train', type=int, default=8000)
    ap.add_argument('--n-test', type=int, default=1000)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--show', help='save a picture of the (last) set here')
    a = ap.parse_args()
    for s in a.sets:
        folder = write_set(s, a.root, a.n_train, a.n_test, seed=a.seed)
        print(folder)
    if a.show: show_set(folder, a.show)
