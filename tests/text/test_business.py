"""Company names in other scripts read in English (clearance.text.business)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clearance.text.business import (
    LATIN_KEY,
    _latin_terms,
    english_readings,
    japanese_name,
    latin_readings,
)
from clearance.text.keys import name_forms
from clearance.text.normalize import prepare
from clearance.text.tables import business_terms

DIGITS = "〇一二三四五六七八九"


def _chinese_number(value: int) -> str:
    """A number under 1000 as written in Chinese characters (written independently of the
    tables: 十三, 二十九, 一百零八)."""
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    out = ""
    if hundreds:
        out += DIGITS[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    if units or not out:
        out += DIGITS[units]
    return out


@given(st.integers(min_value=1, max_value=999))
def test_ordinals_are_their_numbers(value: int) -> None:
    readings = english_readings(prepare(f"第{_chinese_number(value)}研究所"), "Hani")
    assert readings and readings[0].split()[0] == str(value)


def test_an_ordinal_and_an_english_ordinal_are_one_number() -> None:
    chinese = name_forms("中国电子科技集团公司第十三研究所", "Company")
    english = name_forms("13th Research Institute", "Company")[0]
    assert english.numbers == ("13",)
    assert any(form.translated and form.numbers == ("13",) for form in chinese)


def test_terms_translated_and_proper_names_romanised() -> None:
    readings = english_readings(prepare("长江存储科技"), "Hani")
    assert readings[0] == "yangtze memory technology"
    # the other renderings of the first terms, one at a time
    assert "yangtze storage technology" in readings
    assert english_readings(prepare("华为技术"), "Hani")[0] == "huawei technology"


def test_a_final_character_is_a_term_only_at_the_end() -> None:
    assert english_readings(prepare("西南电子所"), "Hani")[0].endswith("institute")
    assert not any("institute" in r for r in english_readings(prepare("所罗门"), "Hani"))


def test_no_reading_without_a_term() -> None:
    assert english_readings(prepare("宇视"), "Hani") == ()
    assert len(name_forms("宇视", "Company")) == len(name_forms("宇树", "Person"))


def test_japanese_names_read_in_japanese() -> None:
    assert japanese_name("三菱重工業株式会社")
    assert not japanese_name("三菱重工业集团")
    reading = english_readings(prepare("三菱重工業"), "Hani", japanese=True)[0]
    assert reading == "mitsubishi heavy industries"


def test_cyrillic_words_by_stem_and_arabic_words_after_the_article() -> None:
    assert english_readings(prepare("Лаборатория Касперского"), "Cyrl")[0].startswith(
        "laboratory kaspersk"
    )
    assert "islamic" in english_readings(prepare("الجهاد الاسلامي"), "Arab")[0].split()


def test_people_are_not_translated() -> None:
    assert not any(form.translated for form in name_forms("王科技", "Person"))


@given(st.text(alphabet="中国电子科技集团公司第十三研究所华为長江株式会社ーア", max_size=12))
def test_readings_are_latin_words(text: str) -> None:
    for script in ("Hani", "Jpan"):
        for reading in english_readings(prepare(text), script):
            assert reading.isascii()


def test_brands_read_as_the_english_name_the_company_uses() -> None:
    # a brand whose English is no reading of it, and a group's acronym before its full name
    assert english_readings(prepare("北京旷视科技"), "Hani")[0] == "beijing megvii technology"
    readings = english_readings(prepare("中国电子科技集团公司第十四研究所"), "Hani")
    assert readings[0].startswith("cetc")
    assert any(r.startswith("china electronics technology group") for r in readings)


def test_arabic_words_found_whichever_way_their_letters_are_written() -> None:
    # Persian kaf and yeh, a hamza seat, taa marbuta written as heh: one word each
    assert english_readings(prepare("شبکه حقانی"), "Arab")[0].split()[0] == "network"
    assert english_readings(prepare("شبكة حقاني"), "Arab")[0].split()[0] == "network"
    assert "islamic" in english_readings(prepare("الدولة الإسلامية"), "Arab")[0].split()


def test_arabic_places_and_names_weigh_as_names() -> None:
    form = next(f for f in name_forms("جيش المهاجرين", "Organization") if f.translated)
    assert form.tokens == ("army", "emigrants")
    # ("army" is a generic word of organisation names in English too)
    assert form.weights == (0.3, 1.0)
    assert not {"emigrants", "iraq", "levant"} & business_terms().words


@given(st.text(alphabet="شبکهحقانیصرافيالإسلامية في و", max_size=20))
def test_arabic_readings_are_latin_words(text: str) -> None:
    for reading in english_readings(prepare(text), "Arab"):
        assert reading.isascii()


def test_russian_words_in_latin_letters_read_in_english() -> None:
    # BGN/PCGN and Belarusian spellings, case endings, a term of two words
    assert latin_readings("belorusskaya kaliynaya kompaniya") == ("belarusian potash company",)
    assert latin_readings("belaruskaya kaliynaya kampaniya") == ("belarusian potash company",)
    readings = latin_readings("nauchno issledovatelski institut khimicheskikh istochnikov toka")
    assert readings[0] == "research institute chemical istochnikov toka"
    # the transliteration of the Cyrillic table's stems is read too ("завод", "научно-...")
    assert latin_readings("ramenskiy priborostroitelnyy zavod")[0] == (
        "ramenskiy instrument engineering plant"
    )


def test_no_latin_reading_of_english_or_of_names_alone() -> None:
    # words English writes so ("bank", "institute") make no name Russian; a name's other
    # words, places and brands, are left as they are
    assert latin_readings("rostov bank") == ()
    assert latin_readings("research institute of chemistry") == ()
    assert latin_readings("zavodskoy rayon") == ()
    assert latin_readings("zavod zvezda")[0] == "plant zvezda"


def test_a_russian_name_in_latin_letters_has_an_english_form() -> None:
    forms = name_forms("OAO BELORUSSKAYA KALIYNAYA KOMPANIYA", "Company")
    translated = [f for f in forms if f.translated]
    assert translated and translated[0].tokens[:2] == ("belarusian", "potash")
    # (the legal form read from the Latin spelling, "kompaniya" read as "company" too)
    assert "jsc" in translated[0].legal_forms
    assert not any(f.translated for f in name_forms("Kompaniya Zavod", "Person"))


def test_latin_stems_are_long_enough_to_be_found() -> None:
    # a word is looked up by its first letters: a shorter stem would never be found
    terms = [term for found in _latin_terms().values() for term in found]
    assert terms and all(len(term.stems[0]) >= LATIN_KEY for term in terms)


def test_acronyms_of_russian_business_words_read_as_whole_words() -> None:
    assert latin_readings("ao npp orion")[0] == "ao scientific production enterprise orion"
    assert latin_readings("nippon steel") == ()
