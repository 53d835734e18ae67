"""Shared fixtures of the resolution tests."""

from __future__ import annotations

import pytest

from trgraph.resolve.align import TokenWeights
from trgraph.resolve.normalise import name_forms

# A corpus in which, as in any registry, "university" is everywhere and places recur.
CORPUS = [
    "Nanjing University", "Nanjing University of Aeronautics and Astronautics",
    "Nanjing University of Science and Technology", "Nanjing Tech University", "Nanjing Normal University",
    "Harbin Institute of Technology", "Harbin Engineering University", "Fudan University", "Beihang University",
    "Shanghai Fudan Microelectronics Co., Ltd.", "Peking University", "Tsinghua University",
    "Zhejiang University", "Wuhan University", "Sichuan University", "Shandong University",
    "University of Oxford", "University of Cambridge", "Imperial College London", "Hunan University",
    "Henan University", "University of Science and Technology of China",
]


@pytest.fixture(scope="module")
def weights() -> TokenWeights:
    return TokenWeights.from_forms(f.tokens for n in CORPUS for f in name_forms(n))
