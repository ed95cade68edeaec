"""Writes the pictures of the papers' constructions used in docs/papers/*.md.

    .venv/bin/python docs/papers/pictures.py
"""
from pathlib import Path

from polyrelu import Polytope
from polyrelu.constructions import (
    montufar_domain,
    montufar_network,
    pascanu_network,
    serra_witness,
    telgarsky_sawtooth,
    zonotope_network,
)
from polyrelu.plotting import save_complex_plot

OUT = Path(__file__).resolve().parent / "img"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    jobs = [
        ("pascanu_k2.png", pascanu_network(2, 2, last_signs=(-1, -1, 1, 1)), Polytope.box([-3, -3], [3, 3]), "linear"),
        ("pascanu_k3.png", pascanu_network(2, 3, last_signs=(-1, -1, 1, 1)), Polytope.box([-2, -2], [2, 2]), "linear"),
        ("montufar_6_4.png", montufar_network(2, (6, 4)), montufar_domain(2, (6, 4)), "region"),
        ("arora_zonotope_m3_w2_k2.png", zonotope_network(2, 2, 2, 3), Polytope.box(["-7/10", "-7/10"], ["7/10", "7/10"]), "linear"),
        ("telgarsky_sawtooth_k3.png", telgarsky_sawtooth(3), Polytope.box([-1], [2]), "region"),
        ("serra_witness.png", serra_witness(), Polytope.box([-1], [8]), "region"),
    ]
    for name, net, dom, color_by in jobs:
        cx = net.complex(domain=dom)
        kw = {"color_by": color_by} if cx.dim == 2 else {}
        save_complex_plot(cx, OUT / name, dpi=90, **kw)
        print(f"{name}: {len(cx)} activation regions, {cx.n_linear_regions} pieces")


if __name__ == "__main__":
    main()
