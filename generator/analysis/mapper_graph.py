"""Mapper "learning graphs" of a layer's learning cloud, built with KeplerMapper (Gabella 2019, section 3).

Steps: the cloud is reduced to its first 20 principal components; a lens maps every point to one number
(or three); the lens range is covered by overlapping intervals (kmapper's Cover); the points of each
interval are clustered with DBSCAN (min_samples 2); every cluster is a node and clusters that share
points are joined by an edge.

Lenses:
  norm           the L2 norm of the original weight vector (the paper's: branches grow from the origin)
  mean-distance  the distance from the cloud's mean in PCA space (the companion notebook's l2norm after PCA)
  pca3           the first three principal components, each covered by its own intervals (the learning surface)

Overlap. KeplerMapper 1.1 (the notebook's) grew each of n equal intervals by `overlap_perc` of its width,
so its 0.99 meant intervals about twice the spacing. From 1.2 on, Cover(n_cubes, perc_overlap) gives each
interval the width range / (n_cubes (1 - perc_overlap)); the same 0.99 would make every interval a hundred
spacings wide and put nearly every point in every interval. perc_overlap = 0.5 here gives intervals twice
the spacing, the old 0.99's shape.

DBSCAN's eps is given as a fraction of the cloud's radius (the largest distance of a point from the mean in
PCA space), so one setting serves a cloud whatever its scale; the absolute value is recorded with the graph.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

from .learning_cloud import Cloud, pca

LENSES = ("norm", "mean-distance", "pca3")


@dataclass(frozen=True)
class MapperParams:
    n_cubes: int = 20          # intervals along each lens dimension
    perc_overlap: float = 0.5  # kmapper >= 1.2 semantics (see the module note)
    eps: float = 0.02          # DBSCAN radius, as a fraction of the cloud's radius in PCA space
    min_samples: int = 2       # DBSCAN: a cluster needs this many points within eps
    components: int = 20       # PCA components the clustering sees
    lens: str = "norm"

    def __post_init__(self):
        if self.lens not in LENSES:
            raise ValueError(f"lens must be one of {', '.join(LENSES)}, got {self.lens!r}")


# Chosen by looking at the graphs of this site's runs (kmapper 2.1): the output layer's few neurons make a
# sparse cloud that needs a wider eps; the hidden layers' 100 neurons a finer one.
HIDDEN = MapperParams(n_cubes=20, perc_overlap=0.5, eps=0.05)
OUTPUT = MapperParams(n_cubes=20, perc_overlap=0.3, eps=0.04)
SURFACE = MapperParams(n_cubes=6, perc_overlap=0.4, eps=0.05, lens="pca3")


def default_params(layer: int, layers: int, lens: str = "norm") -> MapperParams:
    if lens == "pca3":
        return SURFACE
    return replace(OUTPUT if layer % layers == layers - 1 else HIDDEN, lens=lens)


@dataclass
class Graph:
    nodes: list[dict]          # {"id", "members" (point indices), "size", "mean_step"}
    edges: list[tuple[int, int]]
    params: MapperParams
    eps_absolute: float        # the DBSCAN radius actually used, in the cloud's own units
    variance_explained: float  # share of the cloud's variance its PCA components keep

    def summary(self) -> dict:
        return {("pca_components" if k == "components" else k): v for k, v in asdict(self.params).items()} | {
            "eps_absolute": self.eps_absolute, "nodes": len(self.nodes),
                                      "edges": len(self.edges), "variance_explained": self.variance_explained}


def lens_values(points: np.ndarray, projected: np.ndarray, lens: str) -> np.ndarray:
    """(n, d) lens values: d = 1 for the norm lenses, 3 for pca3."""
    if lens == "norm":
        return np.linalg.norm(points, axis=1, keepdims=True)
    if lens == "mean-distance":
        return np.linalg.norm(projected - projected.mean(0), axis=1, keepdims=True)
    three = np.zeros((len(projected), 3))
    three[:, :min(3, projected.shape[1])] = projected[:, :3]
    return three


def learning_graph(cl: Cloud, params: MapperParams) -> Graph:
    """The Mapper graph of a learning cloud: nodes (clusters) and edges (shared points).

    Bitwise-identical weight vectors (neurons that have not separated, e.g. under zero initialisation) are
    clustered once; a node's members and size count every (snapshot, neuron) point it holds."""
    import kmapper
    from sklearn.cluster import DBSCAN

    distinct, inverse = np.unique(cl.points, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    projected, ratios = pca(distinct, params.components)
    radius = float(np.linalg.norm(projected - projected.mean(0), axis=1).max())
    lens = lens_values(distinct, projected, params.lens)
    span = lens.max(0) - lens.min(0)
    if radius == 0.0 or not np.all(span > 0) or len(distinct) < params.min_samples:
        # a cloud without spread (every neuron at the same place at every snapshot): one node
        return Graph([_node(0, np.arange(len(cl.points)), cl)], [], params, 0.0, float(ratios.sum()))
    eps = params.eps * radius
    mapper = kmapper.KeplerMapper(verbose=0)
    found = mapper.map(lens, projected, clusterer=DBSCAN(eps=eps, min_samples=params.min_samples),
                       cover=kmapper.Cover(n_cubes=params.n_cubes, perc_overlap=params.perc_overlap))
    holders = {name: np.flatnonzero(np.isin(inverse, found["nodes"][name])) for name in found["nodes"]}
    names = sorted(holders, key=lambda name: (cl.step[holders[name]].mean(), name))
    index = {name: i for i, name in enumerate(names)}
    nodes = [_node(i, holders[name], cl) for i, name in enumerate(names)]
    edges = sorted({tuple(sorted((index[a], index[b]))) for a, targets in found["links"].items() for b in targets})
    return Graph(nodes, edges, params, eps, float(ratios.sum()))


def _node(i: int, members: np.ndarray, cl: Cloud) -> dict:
    members = np.unique(members)
    return {"id": i, "members": members, "size": int(len(members)), "mean_step": float(cl.step[members].mean())}


def leaves(graph: Graph) -> int:
    """Nodes with exactly one edge: the tips of the tree's branches."""
    degree = np.zeros(len(graph.nodes), int)
    for a, b in graph.edges:
        degree[a] += 1
        degree[b] += 1
    return int((degree == 1).sum())


def components(graph: Graph) -> int:
    """Connected pieces of the graph."""
    import networkx as nx
    g = nx.Graph()
    g.add_nodes_from(range(len(graph.nodes)))
    g.add_edges_from(graph.edges)
    return nx.number_connected_components(g)


def layout(graph: Graph, seed: int = 0) -> np.ndarray:
    """(nodes, 2) positions in [-1, 1]^2: Kamada-Kawai per connected piece (deterministic, started from a
    seeded spring layout), pieces side by side, largest first, each drawn at a size growing with its node count."""
    import networkx as nx
    if not graph.nodes:
        return np.zeros((0, 2))
    g = nx.Graph()
    g.add_nodes_from(range(len(graph.nodes)))
    g.add_edges_from(graph.edges)
    pos = np.zeros((len(graph.nodes), 2))
    pieces = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(c)))
    left = 0.0
    for piece in pieces:
        sub = g.subgraph(sorted(piece))
        if len(piece) == 1:
            placed = {next(iter(piece)): np.zeros(2)}
        else:
            placed = nx.kamada_kawai_layout(sub, pos=nx.spring_layout(sub, seed=seed))  # within [-1, 1]^2
        scale = max(0.25, float(np.sqrt(len(piece) / len(pieces[0]))))
        for n, xy in placed.items():
            pos[n] = np.asarray(xy) * scale + np.array([left + scale, 0.0])
        left += 2 * scale + 0.3
    span = np.abs(pos - pos.mean(0)).max() or 1.0
    return (pos - pos.mean(0)) / span
