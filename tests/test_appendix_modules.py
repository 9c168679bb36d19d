"Tests of the module layout behind the appendix notebooks 15_renderer and 16_crops_checks."
import torch


def test_data_reexports_the_renderer():
    "The renderer's names used elsewhere stay reachable from dino_nb.data, as the very same objects."
    import dino_nb.data as data, dino_nb.renderer as renderer
    for name in ('SHAPE_NAMES', 'BACKGROUNDS', 'POLYGONS', 'inside_shape', 'sample_shape_params', 'shape_stamps',
                 'render_shapes'):
        assert getattr(data, name) is getattr(renderer, name), name
        assert name in data.__all__, name


def test_batched_pieces_live_in_multicrop():
    "The pieces exported from 16_crops_checks are appended to dino_nb.multicrop and listed in its __all__."
    import dino_nb.multicrop as mc
    for name in ('sample_boxes', 'sample_batch', 'brightness_batch', 'contrast_batch', 'saturation_batch',
                 'hue_batch', 'rgb_to_hsv', 'hsv_to_rgb', 'solarize_batch', 'grayscale_batch', 'where_apply',
                 'color_jitter_batch', 'gaussian_kernels', 'gaussian_blur_batch'):
        assert name in mc.__all__ and callable(getattr(mc, name)), name
    x = torch.rand(3, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(mc.hsv_to_rgb(mc.rgb_to_hsv(x)), x, atol=1e-5)


def test_shapes_unchanged_by_the_move():
    "Shapes renders through dino_nb.renderer: seeded, deterministic, one object mask per image."
    from dino_nb.data import Shapes, SCATTER
    a, b = Shapes(16, 32, seed=3, **SCATTER), Shapes(16, 32, seed=3, **SCATTER)
    assert torch.equal(a.images, b.images) and torch.equal(a.masks, b.masks)
    assert a.images.dtype == torch.uint8 and a.masks.any((1, 2)).all()
