"""latex_to_text's fast path gives pylatexenc's text, and leaves it everything else."""

from __future__ import annotations

import pytest
from pylatexenc.latex2text import LatexNodes2Text

from citecheck.latex import _simple_latex_to_text, latex_to_text

# Real titles and names (of the default index and of HALLMARK) that the fast path takes:
# inline math, accents on letters, or both.
TAKEN = [
    "A Faster Sampling Algorithm for Spherical $k$-means",
    "Data sparse nonparametric regression with $ε$-insensitive losses",
    "$K^2$-GNN: Multiple Users’ Comments Integration with Probabilistic K-Hop Knowledge Graph "
    "Neural Networks",
    "GS$^{3}$LAM: Gaussian Semantic Splatting SLAM",
    "$\\mathcal{X}$-Armed Bandits: Optimizing Quantiles, CVaR and Other Risks",
    "Learning Scale Free Networks by Reweighted $\\ell_1$ regularization",
    "Achieving $\\widetilde{\\mathcal{O}}(\\sqrt{T})$ Regret in Average-Reward POMDPs with Known "
    "Observation Models",
    "MAG-Edit: Localized Image Editing in Complex Scenarios via $\\underline{M}$ask-Based "
    "$\\underline{A}$ttention-Adjusted $\\underline{G}$uidance",
    "Augmenting Online Algorithms with $\\varepsilon$-Accurate Predictions",
    'Jonas M. K{\\"u}bler and Andrew Arrasmith and M. Cerezo and Patrick J. Coles',
    "Jure Zbontar and Li Jing and Ishan Misra and Yann LeCun and St{\\'e}phane Deny",
    "Jo\\~{a}o  P. Costeira",
    "Jos\\'{e} M. F.  Moura",
    "Robust Estimation in metric spaces: Achieving Exponential Concentration with a Fr\\'echet "
    "Median",
    'Variational Schr\\"odinger Momentum Diffusion',
    "Nguy\\~ên",
]

# Left to pylatexenc: a "$" without its pair, display math, LaTeX outside math, math whose
# macro takes more than a braced argument, and a dash pair outside math.
DECLINED = [
    "$100K or 100 Days: Trade-offs when Pre-Training with Academic Resources",
    "DemoFusion: Democratising High-Resolution Image Generation With No $$$",
    "Sparsistency of \\ell_1-Regularized M-Estimators",
    "Multilingual \\textit{k}-Nearest-Neighbor Machine Translation",
    "Ashish Vaswani and Noam Shazeer and Niki Parmar and Jakob Uszkoreit and Llion Jones and "
    "Aidan N. Gomez and {\\L}ukasz Kaiser and Illia Polosukhin",
    "Concrete Problems in {AI} Safety",
    "On Polycyclic Codes over $\\frac{\\mathbb{F}_{p^m}[u]}{\\langle u^t \\rangle}$ and their "
    "Cardinalities",
    "$\\textit{Swap and Predict}$ -- Predicting the Semantic Changes in Words across Corpora by "
    "Context Swapping",
    "QuIP$\\#$: Even Better LLM Quantization with Hadamard Incoherence and Lattice Codebooks",
    "Matej Ze\\vcević",
    # Made up: pylatexenc takes the "$" after \sqrt for its argument, so the math runs on.
    "$|\\sqrt${\\'e}x",
]


def pylatexenc(text: str) -> str:
    return " ".join(LatexNodes2Text(math_mode="verbatim").latex_to_text(text).split())


@pytest.mark.parametrize("text", TAKEN)
def test_the_fast_path_gives_pylatexencs_text(text: str) -> None:
    assert _simple_latex_to_text(text) is not None
    assert latex_to_text.__wrapped__(text) == pylatexenc(text)


@pytest.mark.parametrize("text", DECLINED)
def test_anything_else_is_left_to_pylatexenc(text: str) -> None:
    assert _simple_latex_to_text(text) is None


def test_accents_become_composed_letters() -> None:
    assert latex_to_text('K{\\"u}bler') == "Kübler"
    assert latex_to_text("Nguy\\~ên") == "Nguy\u1ec5n"  # ê with a tilde: one character
    assert latex_to_text("Yasin Yaz{\\'\\i}c{\\'\\i}") == "Yasin Yazící"  # by pylatexenc
    assert latex_to_text("Spherical $k$-means") == "Spherical $k$-means"
