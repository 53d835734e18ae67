"""The word lists and place names that alignment weighs words by."""

from __future__ import annotations

from trgraph.resolve.normalise import tokenize
from trgraph.resolve.vocab import country_words, multiword_places, place_words, split_places


def test_country_words_are_single_word_country_names() -> None:
    assert {"germany", "china", "kenya"} <= country_words()
    assert "united" not in country_words()


def test_multiword_places_are_keyed_by_their_first_word() -> None:
    assert tuple(tokenize("British Columbia")) in multiword_places()["british"]
    assert tuple(tokenize("Hong Kong")) in multiword_places()["hong"]


def test_a_place_paired_only_in_part_leaves_its_loose_words() -> None:
    tokens = tokenize("University of British Columbia")
    assert split_places(tokens, ["columbia"]) == {"columbia"}
    # Wholly unpaired, the place is a place, not a broken one.
    assert split_places(tokens, ["british", "columbia"]) == set()



def test_place_words_are_places_that_are_no_words_names_are_made_of() -> None:
    assert {"texa", "bayern", "germany"} <= place_words()  # "Texas", singular like every name token
    assert not {"north", "center", "science"} & place_words()
