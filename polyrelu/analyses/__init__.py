"""Analyses of ReLU networks from the papers, one module per idea:

* :mod:`.configurations`: configurations, their polyhedra and affine maps, rank-one atoms;
* :mod:`.norms`: operator norms of exact matrices;
* :mod:`.lipschitz`: exact Lipschitz constants and the classical bounds;
* :mod:`.realization`: realization vs parametrization (same function, distances, canonical forms);
* :mod:`.training`: global-optimal training of one hidden layer (Arora et al.).

This package namespace holds the names of the first three (also importable as ``polyrelu.lipschitz``).

Configurations, rank-one atoms and exact Lipschitz constants of ReLU networks.

A *configuration* (Heinecke--Hwang) fixes one diagonal 0/1 activation matrix per hidden layer.
Under a configuration the network is one affine map ``x -> A x + c``, valid on the polyhedron of
inputs whose pre-activations have the prescribed signs.  This module computes, exactly:

* the region polyhedron of a configuration (:func:`configuration_polytope`), its affine map and
  whether it is realised at all (:func:`configuration`; an empty or lower-dimensional polyhedron
  is *reported*, it is not an error);
* the atomic decompositions of the linear part ``A`` (:func:`atoms`, :func:`path_atoms`), whose
  sums equal ``A`` exactly;
* operator norms of ``A``: the l1 and l-infinity norms as Fractions, the spectral norm as a
  :class:`CertifiedReal` (a float plus a rational interval proved to contain the true value);
* the Lipschitz constant of the network on a domain, as the maximum over the regions of the
  complex, with the region attaining it and the classical upper bounds, in one
  :class:`LipschitzReport` (:func:`lipschitz_constant`).

>>> from polyrelu.network import ReLUNetwork
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
>>> [str(a) for a in atoms(net, [(1, 0, 1)])]
['unit 0: (1) x (1, 0)', 'unit 2: (-2) x (1, 1)']
>>> operator_norm(net.affine_map([(1, 0, 1)])[0], "inf")
Fraction(3, 1)

Sources and what was checked
----------------------------
Heinecke & Hwang, "Deep Representation with ReLU Neural Networks" (arXiv 1903.12384).  The
text available to us (``shared/seeds/004``) has every displayed formula missing; the running
text was read and gives the following, which this module follows:

* *Verified from the running text*: a configuration is the concatenation of the diagonals of the
  data-dependent 0/1 matrices, one per layer; it is called a configuration "if the polytope is
  non-empty"; a diagonal entry is 0 when the pre-activation is exactly 0 (so their regions are
  half-open; we use the closed polyhedra of the spec, which differ only on measure-zero sets and
  give the same full-dimensional regions).  Consecutive layers refine the partition
  (their Proposition 3).  Theorem 5: the linear part of the configuration's map is a linear
  combination of rank-one *atoms*, each the outer product of a column of the output layer's
  weight matrix and a row of the first layer's (the atoms are "exclusively determined" by those
  two layers), with coefficients that are sums over paths of products of one hidden weight per
  layer; for one hidden layer it is a plain sum of atoms; their number is at most the product of
  the widths of the first and last hidden layers.  Theorem 6 bounds the Lipschitz constant on a
  configuration's region: (i) assumes normalised output-layer columns and first-layer rows and
  uses the maximal absolute hidden weight, and the bound "depends on the number of activated
  rectifiers"; (ii) uses the maximal spectral norm of the weight matrices and "follows directly"
  from the product form of the map.
* *Reconstructed (displays missing)*: the exact inequalities of Theorem 6.  We therefore do not
  claim to reproduce them.  :func:`path_atom_bound` is the triangle inequality applied to the
  Theorem-5 atoms without the normalisation assumption (the paper says the result "can easily be
  modified" for that case); :func:`atom_bound` is the sharper bound obtained by grouping the
  atoms by first-layer unit (math-spec section 1.2/1.3 (ii)); :func:`layer_product_bound` is the
  product of the layer norms (spec section 1.3 (i), and the form Theorem 6 (ii) is derived from).
  :func:`hh_path_count_bound` (number of active paths times the largest hidden weight to the
  power L-1, times the atom norms) and :func:`max_layer_norm_bound` (largest layer norm to the
  power L+1) are our reconstructions of the *shape* of Theorem 6 (i) and (ii) from its stated
  hypotheses and the surrounding discussion.  All are proved upper bounds, checked against the
  exact value in the tests.
"""
from __future__ import annotations

from .configurations import (
    Atom,
    Configuration,
    PathAtom,
    atoms,
    atoms_sum,
    configuration,
    configuration_polytope,
    normalize_pattern,
    path_atoms,
    preactivation_maps,
    region_atoms,
    region_configuration,
    region_path_atoms,
)
from .lipschitz import (
    LipschitzReport,
    atom_bound,
    hh_path_count_bound,
    layer_product_bound,
    lipschitz_constant,
    max_layer_norm_bound,
    path_atom_bound,
    region_lipschitz,
)
from .norms import NORMS, norm_1, norm_inf, operator_norm, spectral_norm
from ..numbers import CertifiedReal

from . import configurations as _configurations, lipschitz as _lipschitz

__all__ = [
    "NORMS", "norm_1", "norm_inf", "spectral_norm", "operator_norm", "CertifiedReal",
    *_configurations.__all__,
    *_lipschitz.__all__,
]

