"""The one normalisation entry point and the compiled name forms built on it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.text.keys import PLACE_CHARS, name_forms, name_keys
from clearance.text.legal import unglued
from clearance.text.normalize import clean_latin, clean_latin_patterns, normalize, tokenize
from clearance.text.spelling import loose_key, phonetic_key, skeleton
from clearance.text.tables import vocabulary
from clearance.text.translit import latin_variants, latinize


@settings(deadline=None)  # the first call loads the reference tables
@given(st.text(max_size=60))
def test_normalize_gives_clean_ascii_tokens(text: str) -> None:
    out = normalize(text)
    assert out.isascii()
    assert out == out.strip()
    assert "  " not in out
    assert all((c.isalnum() and not c.isupper()) or c == " " for c in out)


@settings(deadline=None)  # the first call loads the reference tables
@given(st.text(max_size=60))
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


@settings(deadline=None)  # the first CJK name loads the kanji dictionary
@given(st.text(max_size=40))
def test_name_forms_never_fail_and_keep_tokens_normalised(text: str) -> None:
    for schema in ("Person", "Company", "Vessel", "LegalEntity"):
        for form in name_forms(text, schema):
            assert all(t and t == normalize(t) for t in form.tokens)
            assert len(form.weights) == len(form.tokens)


def test_punctuation_case_and_accents() -> None:
    assert normalize("AL-RAWI") == normalize("Al Rawi") == "al rawi"
    assert normalize("O'Brien") == normalize("O’BRIEN") == "obrien"
    assert normalize("José MÜLLER") == "jose muller"
    assert tokenize("J.R. Smith") == ("j", "r", "smith")


def test_transliteration_of_scripts() -> None:
    assert normalize("Владимир Путин") == "vladimir putin"
    assert normalize("习近平") == "xi jin ping"
    assert normalize("Αλέξανδρος") == "alexandros"
    assert normalize("김정은").split() == ["gim", "jeong", "eun"]


@pytest.mark.parametrize(
    ("text", "latin"),
    [
        ("安·伍德", "an wude"),  # Ann Wood: two words, not three syllables
        ("丹·斯穆特", "dan simute"),
        ("马可•卢比奥", "make lubiao"),  # a bullet for the dot
        ("习近平", "xi jin ping"),  # a Chinese name: one part a character
    ],
)
def test_a_dotted_foreign_name_in_chinese_characters_keeps_its_words(text: str, latin: str) -> None:
    assert latinize(text) == latin


def test_ukrainian_names_get_the_ukrainian_romanisation_too() -> None:
    spellings = {f.normalized for f in name_forms("Юлія Тимошенко", "Person")}
    assert "yuliya tymoshenko" in spellings


def test_legal_forms_are_one_class_across_languages() -> None:
    forms = [
        name_keys(n, "Company")
        for n in ("Acme Co., Ltd.", "ACME Company Limited", "Acme 有限公司", "ООО Acme", "Acme LLC")
    ]
    assert {f.tokens for f in forms} == {("acme",)}
    assert {f.legal_forms for f in forms} == {("llc",)}
    assert name_keys("华为技术股份有限公司", "Company").legal_forms == ("jsc",)


def test_titles_removed_from_person_names_only() -> None:
    assert name_keys("Dr. Sheikh Hassan Nasrallah Jr.", "Person").tokens == ("hassan", "nasrallah")
    assert name_keys("General Dynamics", "Company").tokens[0] == "general"


def test_numbers_are_kept_apart() -> None:
    form = name_keys("Plant No. 12 Zenith", "Company")
    assert form.numbers == ("12",)
    assert form.tokens == ("plant", "zenith")
    assert name_keys("Sparta III", "Vessel").numbers == ("iii",)
    assert name_keys("Vessel MV Ocean Star", "Vessel").tokens == ("vessel", "mv", "ocean", "star")
    assert name_keys("MV Ocean Star", "Vessel").tokens == ("ocean", "star")


def test_generic_words_weigh_less() -> None:
    form = name_keys("Golden Star Trading", "Company")
    weights = dict(zip(form.tokens, form.weights, strict=True))
    assert weights["trading"] < weights["golden"]


def test_spelling_keys() -> None:
    assert loose_key("yevgeniya") == loose_key("evgenia")
    assert loose_key("aleksey") == loose_key("alexei")
    assert phonetic_key("qadhafi") == phonetic_key("gaddafi")
    assert phonetic_key("usama") == phonetic_key("osama")
    assert skeleton("mohammed") == skeleton("muhammad") == "mhmd"
    assert skeleton("david") == skeleton("dvd")
    assert skeleton("javad") == skeleton("jwd")


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_names_compile_as_the_general_path_does(text: str) -> None:
    # ASCII names skip NFKC, script detection and transliteration: same result required
    for schema in ("Person", "Company", "Vessel"):
        fast = name_forms(text, schema)[0]
        general = name_forms(text + "\u00a0", schema)[0]  # NFKC turns it into a space
        assert (fast.tokens, fast.weights, fast.numbers, fast.legal_forms, fast.script) == (
            general.tokens,
            general.weights,
            general.numbers,
            general.legal_forms,
            general.script,
        )


def test_wade_giles_names_are_also_compiled_in_pinyin() -> None:
    forms = name_forms("Mao Tse-tung", "Person")
    assert [f.tokens for f in forms] == [("mao", "tse", "tung"), ("mao", "zedong")]
    assert len(name_forms("Jean-Pierre Dupont", "Person")) == 1
    assert len(name_forms("Mao Zedong", "Person")) == 1


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_cleaning_is_the_pattern_cleaning(text: str) -> None:
    # the character-table path for ASCII text must do exactly what the patterns define
    assert clean_latin(text) == clean_latin_patterns(text)


def test_chinese_company_names_get_no_japanese_reading() -> None:
    # kanji names read differently in Japanese ("東京" is "tokyo", not "dong jing")
    assert "tokyo" in latin_variants("東京")
    # a Chinese company is no Japanese name: one reading, pinyin
    name = "海康威视数字技术股份有限公司"
    assert latin_variants(name) == (latinize(name),)
    assert len(latin_variants("北京集團")) == 1


def test_screening_a_chinese_company_name_does_not_load_the_kanji_dictionary() -> None:
    # pykakasi takes 0.4 s to load: a first search for a Chinese company must not pay for it
    code = (
        "import sys; from clearance.text.keys import name_forms; "
        "name_forms('杭州海康威视数字技术股份有限公司', 'Company'); "
        "name_forms('海康威视', 'Company'); "
        "print('pykakasi' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_legal_form_glued_to_a_name_is_read_apart() -> None:
    assert unglued("aotransmashholding") == ("transmashholding",)
    assert unglued("siemensag") == ("siemens",)
    assert unglued("acmegmbh") == ()  # "acme" is too short to stand alone
    assert unglued("transmashholding") == ()


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=20))
def test_unglued_remainders_are_the_token_without_an_affix(token: str) -> None:
    for rest in unglued(token):
        assert len(rest) >= 5
        assert token.startswith(rest) or token.endswith(rest)
        assert len(token) - len(rest) >= 2


def test_simplified_chinese_names_get_no_japanese_reading() -> None:
    assert len(latin_variants("海康威视")) == 1  # "视" is simplified: no Japanese writes it
    assert len(latin_variants("習近平")) == 2  # traditional characters may be a Japanese name


def test_every_chinese_place_reads_as_a_geographic_word() -> None:
    vocab = vocabulary()
    assert vocab.geographic_cjk
    for place, word in vocab.geographic_cjk.items():
        assert word in vocab.geographic, place
        assert len(place) <= PLACE_CHARS, place


def test_a_chinese_company_name_reads_its_place_as_one_word() -> None:
    assert name_keys("浙江大华技术股份有限公司", "Company").tokens[0] == "zhejiang"
    assert name_keys("深圳市海能达通信", "Company").tokens[0] == "shenzhen"
    assert name_keys("北京", "Company").tokens == ("bei", "jing")  # the place alone is a name
    assert name_keys("北京大华", "Person").tokens[0] == "bei"  # person names are not read so


def test_initials_of_an_organisation_are_one_word() -> None:
    # a lone "e" or "i" is dropped as "and"; among initials it is a letter
    assert name_keys("Z.T.E. Corp", "Company").tokens == ("zte",)
    assert name_keys("I.B.M.", "Company").tokens == ("ibm",)
    assert name_keys("A & B Trading", "Company").tokens == ("ab", "trading")
    assert "e" not in name_keys("Alpha e Beta", "Company").tokens
    assert name_keys("J. R. Smith", "Person").tokens == ("j", "r", "smith")


_WORD = st.from_regex(r"[a-z]{4,9}", fullmatch=True)


@given(st.lists(_WORD, min_size=1, max_size=3), st.lists(_WORD, min_size=1, max_size=2))
def test_words_in_brackets_weigh_as_qualifiers(outside: list[str], inside: list[str]) -> None:
    """An organisation name's words in brackets weigh at most as a place only one name has,
    when a word outside them names the organisation; the words outside weigh as they would
    without brackets."""
    from clearance.text.tables import part_weights

    plain = name_forms(f"{' '.join(outside)} {' '.join(inside)} Co., Ltd", "Company")[0]
    bracketed = name_forms(f"{' '.join(outside)} ({' '.join(inside)}) Co., Ltd", "Company")[0]
    assert bracketed.tokens == plain.tokens
    named = any(
        w == 1.0 and t not in inside for t, w in zip(plain.tokens, plain.weights, strict=True)
    )
    for token, before, after in zip(plain.tokens, plain.weights, bracketed.weights, strict=True):
        if token in inside and named:
            assert after == min(before, part_weights().geographic)
        else:
            assert after == before


def test_a_legal_form_class_code_is_no_name_word() -> None:
    # (a class's code is read as its form: no code may be a word names use)
    form = name_keys("Civil Aviation Administration of China", "Organization")
    assert form.tokens[0] == "civil" and not form.legal_forms
    assert name_keys("Sociedad Civil Los Pinos", "Company").legal_forms
