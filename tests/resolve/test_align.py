"""Token weights and the alignment of two names' tokens."""

from __future__ import annotations

import pytest

from trgraph.resolve.align import TokenWeights, align


def test_weights_make_common_words_weak(weights: TokenWeights) -> None:
    assert weights("university") <= 0.25
    assert weights("aeronautic") > weights("nanjing") > weights("university")
    assert weights("14") == 1.0  # numbers are decisive
    assert TokenWeights()("anything") == 1.0  # no corpus: every word counts fully


def test_alignment_pairs_merged_and_fuzzy_tokens(weights: TokenWeights) -> None:
    al = align(["vanderbilt", "chemicals"], ["van", "der", "bilt", "chemical"], weights)
    assert [p.how for p in al.pairs] == ["merged", "prefix"]
    al = align(["tecnology"], ["technology"], weights)
    assert al.pairs[0].how == "fuzzy" and al.pairs[0].similarity == pytest.approx(0.9)
