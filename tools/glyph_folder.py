"""A folder of images the recipe was never tuned on: dark letters scattered on a noisy grey, one letter a class.

Written with PIL (a TrueType font, not `Shapes`' renderer), as `ROOT/train/<letter>/*.png` and `ROOT/test/<letter>/*.png`,
so `dino-nb fit --data ROOT` trains on it the way it would on any folder of a user's images:

    python tools/glyph_folder.py /tmp/glyphs                 # 8 000 train + 1 000 test images, 32 px
    dino-nb fit --data /tmp/glyphs --out /tmp/glyph_run --set progress=log

The design was fixed before any run on it (research/recipe_results.md, "A folder of letters") and is not tuned.
"""
import argparse, functools, random
import torch
from pathlib import Path
from PIL import Image, ImageDraw, ImageFilter, ImageFont

LETTERS = ('A', 'H', 'L', 'O', 'T', 'X')     # six capitals whose outlines differ at a few pixels
FONTS = ('/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', 'DejaVuSans-Bold.ttf')

@functools.lru_cache(maxsize=None)            # a few dozen sizes, each read from disk once
def load_font(px:int):
    "A bold sans-serif TrueType font at `px` pixels (DejaVu where installed, else Pillow's own scalable font)."
    for f in FONTS:
        try: return ImageFont.truetype(f, px)
        except OSError: pass
    return ImageFont.load_default(size=px)

def background(rng:random.Random, side:int) -> Image.Image:
    "Mid-grey with a smooth random field (a 6 x 6 grid of greys, bicubic-upsampled) and fine pixel noise."
    coarse = Image.new('L', (6, 6))
    coarse.putdata([int(128 + rng.uniform(-40, 40)) for _ in range(36)])
    img = coarse.resize((side, side), Image.BICUBIC)
    g = torch.Generator().manual_seed(rng.getrandbits(63))
    noise = (128 + 24 * torch.randn(side, side, generator=g)).clamp(0, 255).to(torch.uint8)
    fine = Image.fromarray(noise.numpy(), 'L').filter(ImageFilter.GaussianBlur(1))
    return Image.blend(img, fine, 0.25)

def glyph_image(letter:str, rng:random.Random, size:int=32, count=(3, 6), scale=(0.22, 0.38), ss:int=4) -> Image.Image:
    "One RGB image: `count` copies of `letter`, each `scale` of the image tall, dark greys, drawn at `ss`x and downsampled."
    side = size * ss
    img = background(rng, side)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(*count)):
        font = load_font(max(4, int(rng.uniform(*scale) * side)))
        x0, y0, x1, y1 = draw.textbbox((0, 0), letter, font=font)
        x, y = rng.uniform(-x0, side - x1), rng.uniform(-y0, side - y1)
        draw.text((x, y), letter, fill=rng.randint(10, 70), font=font)
    return img.resize((size, size), Image.LANCZOS).convert('RGB')

def make_glyph_folder(root, n_train:int=8000, n_test:int=1000, size:int=32, seed:int=0) -> Path:
    "Write `n_train` and `n_test` images, classes balanced, as root/train/<letter>/ and root/test/<letter>/."
    root = Path(root)
    for split, n, s in (('train', n_train, seed), ('test', n_test, seed + 1)):
        rng = random.Random(s)
        for c in LETTERS: (root / split / c).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            c = LETTERS[i % len(LETTERS)]
            glyph_image(c, rng, size).save(root / split / c / f'{i:05d}.png')
    return root

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('root')
    ap.add_argument('--n-train', type=int, default=8000)
    ap.add_argument('--n-test', type=int, default=1000)
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    print(make_glyph_folder(a.root, a.n_train, a.n_test, seed=a.seed))
