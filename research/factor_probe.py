"""Which part of letters-photo keeps DINO at chance: the photograph behind the letter, or the random colours?

    python research/factor_probe.py /tmp/factors                       # write the sets, then DINO at the tiny budget
    python research/factor_probe.py /tmp/factors --jobs baselines dino --sets letters-flat

letters-photo (tools/suite_data.py) draws one capital in a random colour on a crop of a photograph; DINO's teacher
stays at chance on it at both budgets while the letters folder (dark letters on grey, no photo) is learned. This
probe takes the two factors apart, one at a time, with the same letters, faces, sizes and positions (same seeds):

| set | letter | background |
|---|---|---|
| letters-flat | random colour | one flat random colour (the photograph removed) |
| letters-photo-grey | letters-photo made grey | the photograph, grey (the colour removed) |
| letters-flat-grey | letters-flat made grey | flat grey (both removed) |
| letters-photo-several | 3-4 smaller copies (30-45 % tall), each its own face and colour | the photograph |
| letters-photo-several-grey | letters-photo-several made grey | the photograph, grey |

The last asks the opposite question: the letters folder, which DINO learns, has several letters an image, so crops
that cover different letters share the class and little else; does the photograph still keep DINO at chance then?

Each set is run through the generalization suite's jobs (`benchmarks/generalization.py`'s `run_job`: `baselines`,
`dino` at the `tiny` budget, ...) with any `--set` overrides; rows are appended to `research/factor_results.jsonl`.
"""
import argparse, json, random, sys, time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).parents[1]
sys.path[:0] = [str(ROOT / 'tools'), str(ROOT / 'benchmarks')]
from suite_data import LETTER_CLASSES, SS, draw_glyph, photo_crop, random_colour, write_splits   # noqa: E402

VARIANTS = ('letters-flat', 'letters-photo-grey', 'letters-flat-grey',
            'letters-photo-several', 'letters-photo-several-grey')
SEVERAL, SEVERAL_HEIGHT = (3, 4), (0.30, 0.45)   # letters-photo-several: copies an image, their height (share of the side)
RESULTS = Path(__file__).parent / 'factor_results.jsonl'


def letter_image(label:int, rng:random.Random, variant:str, size:int=32) -> Image.Image:
    "One image of `variant`: letters-photo's letter (or several), on a flat colour or a photo, grey where the variant says."
    if variant.startswith('letters-flat'): img = Image.new('RGB', (size * SS, size * SS), random_colour(rng))
    else: img = photo_crop(rng, size * SS)
    if variant.startswith('letters-photo-several'):
        for _ in range(rng.randint(*SEVERAL)): draw_glyph(img, LETTER_CLASSES[label], rng, SEVERAL_HEIGHT)
    else: draw_glyph(img, LETTER_CLASSES[label], rng)
    img = img.resize((size, size), Image.LANCZOS)
    return img.convert('L').convert('RGB') if variant.endswith('grey') else img


def write_variant(variant:str, root, n_train:int=8000, n_test:int=1000, seed:int=0) -> Path:
    "root/variant/{train,test}/<letter>/*.png, classes balanced, as `suite_data.write_set` writes letters-photo."
    if variant not in VARIANTS: raise ValueError(f'variant: {variant!r} is not one of {VARIANTS}')
    return write_splits(Path(root) / variant, variant, LETTER_CLASSES,
                        lambda labels, rng, s: [letter_image(lab, rng, variant) for lab in labels], n_train, n_test, seed)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('root', help='where the sets are written')
    ap.add_argument('--sets', nargs='*', default=list(VARIANTS), choices=VARIANTS)
    ap.add_argument('--jobs', nargs='*', default=['dino'], choices=('baselines', 'gate', 'cnn', 'dino'))
    ap.add_argument('--budget', default='tiny', choices=('tiny', 'base'))
    ap.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help='DINOConfig overrides (as dino-nb --set)')
    ap.add_argument('--results', default=str(RESULTS))
    a = ap.parse_args()
    from dino_nb.cli import parse_value
    from generalization import run_job, recipe, machine
    over = {k: parse_value(v) for k, v in (kv.split('=', 1) for kv in a.set)}
    for v in a.sets:
        if not (Path(a.root) / v / 'train').is_dir(): write_variant(v, a.root)
        for job in a.jobs:
            t0 = time.time()
            r = dict(set=v, budget=a.budget, job=job, over=over, recipe=recipe(a.budget, over),
                     result=run_job(job, v, a.budget, a.root, over), wall_s=round(time.time() - t0, 1), machine=machine())
            with open(a.results, 'a') as f: f.write(json.dumps(r) + '\n')
            print(f"{v} {a.budget} {job}: {r['result']} ({r['wall_s']} s)", flush=True)


if __name__ == '__main__':
    main()
