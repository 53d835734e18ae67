"""Name normalisation: folding, legal forms, abbreviations, numbers, acronyms, scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import shared_file
from trgraph.resolve.legal import DATA, build_legal_forms, legal_codes, strip_legal_forms
from trgraph.resolve.normalise import (
    country_code,
    final_bracket,
    fold,
    is_acronym,
    name_form,
    name_forms,
    tokenize,
    without_final_bracket,
)


def tokens(name: str) -> tuple[str, ...]:
    form = name_form(name)
    assert form is not None
    return form.tokens


def test_fold_case_accents_punctuation_and_ampersand() -> None:
    assert fold("Université  Côte-d'Azur") == "universite cote dazur"
    assert fold("Procter & Gamble") == "procter and gamble"
    assert fold("King's College") == "king college"
    assert fold("A.B.C. Company") == "abc company"
    assert fold("Straße") == "strasse"


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("Harbin Inst. of Technology", "Harbin Institute of Technology"),
        ("Beijing Univ. of Aeronautics & Astronautics", "Beijing University of Aeronautics and Astronautics"),
        ("Chinese Acad. of Sci.", "Chinese Academy of Sciences"),
        ("Natl. Centre for Research", "National Center for Research"),
        ("Siemens Aktiengesellschaft", "Siemens AG"),
        ("Siemens Aktiengeselschaft", "Siemens AG"),  # a misspelt legal form still goes
        ("OAO Gazprom", "Gazprom JSC"),
        ("Samsung Electronics Co., Ltd.", "SAMSUNG ELECTRONICS"),
        ("FABERLIC EUROPE Sp. z o.o.", "Faberlic Europe"),
        ("World Health Organisation", "World Health Organization"),
        ("ООО «Байкал»", "Baykal LLC"),
        ("Università degli Studi di Torino", "Università di Torino"),
        ("Facultad de Medicina", "Faculty of Medicina"),
        # A German compound on "Universität", written as one word or two.
        ("Charité - Universitäts medizin Berlin", "Charité - Universitätsmedizin Berlin"),
        ("Ruhruniversität Bochum", "Ruhr-Universität Bochum"),
        ("Universitätsmedizin Göttingen", "University Medicine Göttingen"),
    ],
)
def test_variants_normalise_to_the_same_core(variant: str, canonical: str) -> None:
    assert tokens(variant) == tokens(canonical)


def test_studies_name_a_body_unless_they_follow_university() -> None:
    assert "studi" in tokens("Istituto Universitario di Studi Superiori")


def test_legal_forms_are_kept_aside_not_lost() -> None:
    form = name_form("Volkswagen Gesellschaft mit beschränkter Haftung")
    assert form is not None
    assert form.tokens == ("volkswagen",)
    assert form.legal == ("gesellschaft", "mit", "beschrankter", "haftung")
    assert legal_codes(form.legal)  # known ISO 20275 codes


def test_descriptive_words_are_not_stripped_as_legal_forms() -> None:
    # ISO 20275 lists "national bank", "trust company", "zoo" (z o.o.) and the like.
    assert tokens("Deutsche Bank Trust Company") == ("deutsche", "bank", "trust")
    assert tokens("Saint Louis Zoo") == ("saint", "louis", "zoo")
    assert tokens("Czech National Bank") == ("czech", "national", "bank")
    assert tokens("LG Electronics") == ("lg", "electronic")  # a short form only at the end
    # "Financial Corporations" and "Insurance Company" are lines of business, not legal forms.
    assert tokens("Cincinnati Financial Corp") == ("cincinnati", "financial")
    assert tokens("Cincinnati Insurance Company") == ("cincinnati", "insurance")


def test_chinese_legal_form_is_stripped() -> None:
    form = name_form("上海复旦微电子集团股份有限公司")
    assert form is not None and form.legal and form.script == "han"


def test_numbers_and_roman_numerals() -> None:
    assert tokens("Brigade Forty-Four") == tokens("Brigade 44")
    assert tokens("First International Bank") == tokens("1st International Bank")
    assert tokens("Citigroup Capital Trust XV") == ("citigroup", "capital", "trust", "15")


def test_stopwords_kept_when_nothing_else_is_left() -> None:
    assert tokens("AT&T Inc.") == ("at", "and", "t")


def test_acronyms() -> None:
    assert is_acronym("BUAA") and is_acronym("NJTech") and is_acronym("UMich")
    assert not is_acronym("Fudan") and not is_acronym("Harbin Institute") and not is_acronym("A")
    form = name_form("MT")
    assert form is not None and form.acronym == "mt" and form.tokens == ("mt",)  # not "mount"


def test_a_final_bracket_is_read_and_cut_off() -> None:
    assert final_bracket("Sciex (Canada)") == "Canada"
    assert without_final_bracket("Sciex (Canada) ") == "Sciex"
    assert without_final_bracket("Leibniz Institute on Aging - Fritz Lipmann Institute (FLI)").endswith("Institute")
    # Only a bracket that ends the name, with no bracket inside it.
    assert without_final_bracket("Center (ZMBH) Heidelberg") == "Center (ZMBH) Heidelberg"
    assert without_final_bracket("Sciex") == "Sciex" and final_bracket("Sciex") is None


def test_final_bracketed_acronym_becomes_an_alias_only_when_it_abbreviates_the_name() -> None:
    forms = name_forms("Beijing University of Aeronautics and Astronautics (BUAA)")
    assert [f.acronym for f in forms if f.acronym] == ["buaa"]
    assert any(f.tokens == ("beijing", "university", "aeronautic", "astronautic") for f in forms)
    # "(CSSC)" names the parent group, mid-name: no alias.
    forms = name_forms("China State Shipbuilding Corporation, Limited (CSSC) 714th Research Institute")
    assert not any(f.acronym for f in forms)


def test_han_names_become_bigrams_and_pinyin() -> None:
    forms = name_forms("西北工业大学")
    han = next(f for f in forms if f.script == "han")
    assert han.tokens == ("西北", "北工", "工业", "业大", "大学")
    pinyin = next(f for f in forms if f.script == "pinyin")
    latin = name_form("Xīběi Gōngyè Dàxué")
    assert latin is not None and pinyin.compact == latin.compact == "xibeigongyedaxue"


def test_a_han_company_form_is_a_word_apart_and_left_out_of_the_pinyin() -> None:
    forms = {f.script: f for f in name_forms("正田醤油株式会社")}
    assert forms["han"].tokens == ("正田", "田醤", "醤油") and forms["han"].legal == ("株式", "式会", "会社")
    assert forms["pinyin"].compact == "zhengtianjiangyou"  # not "…zhushihuishe"
    # Two katakana names that share only "Co., Ltd." share nothing in any form.
    a, b = name_forms("株式会社ルハテック"), name_forms("株式会社シーテック")
    assert not {f.compact for f in a} & {f.compact for f in b}
    assert "zhushihuishe" not in " ".join(f.compact for f in a)


def test_cyrillic_is_transliterated() -> None:
    assert tokenize("Северо-западный политехнический университет")[0] == "severo"


def test_umlauts_are_also_spelt_out_as_german_and_danish_write_them_without_the_mark() -> None:
    assert {f.tokens for f in name_forms("Universität Würzburg")} == {("university", "wurzburg"),
                                                                      ("university", "wuerzburg")}
    assert ("aarhus", "university") in {f.tokens for f in name_forms("Århus University")}
    assert ("mueller",) in {f.tokens for f in name_forms("Müller", organisation=False)}
    assert len(name_forms("Universite de Limoges")) == 1  # nothing to spell out


def test_country_code() -> None:
    assert country_code("China") == "CN"
    assert country_code("P.R. China") == "CN"
    assert country_code("USA") == "US"
    assert country_code("United Kingdom") == "GB"
    assert country_code("MO") is None  # a state code, not a country
    assert country_code("Harbin") is None


def test_shipped_legal_forms_match_the_iso_list(tmp_path: Path) -> None:
    elf = shared_file("reference/iso20275_elf_codes_1.4.1.csv")
    shipped = [line.split("\t") for line in DATA.read_text(encoding="utf-8").splitlines()[1:]]
    assert [tuple(row) for row in shipped] == build_legal_forms(elf)


def test_a_plural_acronym_is_not_made_singular_into_a_legal_form() -> None:
    # "PACS" is Stanford's Center on Philanthropy and Civil Society, not a Welsh PAC (an LLP): made
    # singular and stripped, the alias would be "Stanford" alone and name every Stanford body.
    form = name_form("Stanford PACS")
    assert form is not None and form.tokens == ("stanford", "pacs") and form.legal == ()
    assert tokenize("Scientific Laboratories") == ["scientific", "laboratory"]  # plurals still are


def test_strip_never_takes_the_last_word() -> None:
    assert strip_legal_forms(["limited"]) == (["limited"], [])
    assert strip_legal_forms(["gazprom", "oao"]) == (["gazprom"], ["oao"])


def test_titles_are_not_part_of_a_persons_name() -> None:
    form = name_form("Prof. Dr Jane Smith", organisation=False)
    assert form is not None and form.tokens == ("jane", "smith")
    only = name_form("Dr", organisation=False)
    assert only is not None and only.tokens == ("dr",)  # nothing else left: kept
    org = name_form("Dr Oetker", organisation=True)
    assert org is not None and "dr" in org.tokens  # organisations keep it
