"""How a run's teacher groups held-out images: 10b's measures on any `dino-nb fit` run folder.

    python research/cluster_probe.py RUN [RUN ...]        # one JSON line a run

For the run's k-NN bank and test images (fp32 features of its teacher's CLS token): the weighted k-NN (k, T of its
config), the share of the 5 nearest bank images that have the query's class (`retrieval_precision`), and the
agreement of k-means clusters of the test features with the classes, NMI and ARI (`cluster_agreement`). 10b shows
these for the shipped networks; this scores run folders, e.g. a second seed of a recipe.
"""
import argparse, json

from dino_nb.train import FitResult, eval_sets
from dino_nb.evaluate import extract_features, knn_accuracy
from dino_nb.learned import retrieval_precision, cluster_agreement


def cluster_scores(run:str) -> dict:
    "{'knn', 'same class in 5 nearest', 'NMI', 'ARI'} (%) of a run's teacher, with its seed and KoLeo weight."
    res = FitResult.load(run)
    cfg = res.cfg
    bank, test = eval_sets(cfg)
    net = res.teacher.float()
    (fb, yb), (ft, yt) = (extract_features(net, d, normalize=False) for d in (bank, test))
    return {'run': str(run), 'seed': cfg.seed, 'koleo_weight': cfg.koleo_weight,
            'knn': round(knn_accuracy(fb, yb, ft, yt, k=cfg.knn_k, T=cfg.knn_t), 1),
            'same class in 5 nearest': round(retrieval_precision(fb, yb, ft, yt, k=5), 1),
            **{k: round(v, 1) for k, v in cluster_agreement(ft, yt).items()}}


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('runs', nargs='+', help='`dino-nb fit` run folders (or their checkpoint.pth)')
    for run in ap.parse_args().runs: print(json.dumps(cluster_scores(run)), flush=True)
