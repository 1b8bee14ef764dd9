"""Names a question uses that the documents never mention: what counts as mentioned."""

from __future__ import annotations

from assistant._coverage import is_covered, unknown_names

VOCABULARY = ["kédougou", "mines", "africa", "specific", "trafficking", "senegal"]


def test_a_name_written_without_its_accents_is_known() -> None:
    assert unknown_names("Which mines near Kedougou?", VOCABULARY) == []
    assert unknown_names("Which mines near KÉDOUGOU?", VOCABULARY) == []


def test_a_compound_of_known_words_is_known_and_one_of_an_unknown_word_is_not() -> None:
    assert unknown_names("What Africa-specific factors matter?", VOCABULARY) == []
    assert unknown_names("What Asia-specific factors matter?", VOCABULARY) == ["Asia-specific"]


def test_a_name_the_documents_never_use_is_named_in_the_refusal() -> None:
    covered, why = is_covered("Is trafficking reported in Ghana?", 0.9, VOCABULARY, floor=0.25)
    assert not covered and "Ghana" in why
    assert is_covered("Is trafficking reported in Senegal's mines?", 0.9, VOCABULARY, floor=0.25)[0]


def test_a_weak_best_passage_is_not_covered() -> None:
    assert not is_covered("Is trafficking reported?", 0.2, VOCABULARY, floor=0.25)[0]
