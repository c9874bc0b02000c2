import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.normalize import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("K4mb0ja", "kamboja", id="digits-for-letters"),
        pytest.param("K A M B O J A", "kamboja", id="spaced-letters"),
        pytest.param("K.A.M.B.O.J.A", "kamboja", id="dotted-letters"),
        pytest.param("kam.boja", "kamboja", id="dot-inside-word"),
        pytest.param("kam*boja", "kamboja", id="asterisk-inside-word"),
        pytest.param("gajiii", "gaji", id="repeated-letters"),
        pytest.param("ＫＡＭＢＯＪＡ", "kamboja", id="fullwidth"),
        pytest.param("𝐊𝐀𝐌𝐁𝐎𝐉𝐀", "kamboja", id="math-bold"),
        pytest.param("kamb\u200boja", "kamboja", id="zero-width"),
        pytest.param("kámbója", "kamboja", id="accents"),
        pytest.param("🇰🇭", "kamboja", id="flag-cambodia"),
        pytest.param("🇲🇲 🇱🇦 🇹🇭", "myanmar laos thailand", id="flags"),
        pytest.param("💰💰", "uang uang", id="money-emoji"),
        pytest.param("yg dgn utk", "yang dengan untuk", id="chat-abbreviations"),
        pytest.param("15jt", "15 juta", id="jt-attached"),
        pytest.param("15 jt.", "15 juta", id="jt-dot"),
        pytest.param("500rb", "500 ribu", id="rb"),
        pytest.param("loker LN", "lowongan kerja luar negeri", id="loker-ln"),
        pytest.param("info japri", "info jalur pribadi", id="japri"),
        pytest.param("tiket PP", "tiket pulang pergi", id="tiket-pp"),
        pytest.param("kerja di PP", "kerja di phnom penh", id="pp-phnom-penh"),
        pytest.param("diatur di PP No. 22", "diatur di pp no. 22", id="pp-regulation-kept"),
        pytest.param("Kamboja.Gaji besar", "kamboja gaji besar", id="missing-space-after-stop"),
        pytest.param("  a\n\n\tb  ", "a b", id="whitespace"),
        pytest.param("rp5jt usd1k", "rp5 juta usd1k", id="money-not-leet"),
        pytest.param("covid19 mp3 3hari", "covid19 mp3 3hari", id="ordinary-digits-kept"),
        pytest.param("SIP3MI P3MI", "sip3mi p3mi", id="agency-acronym-kept"),
        pytest.param("K3mboja", "kemboja", id="k3-is-leet"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def test_offsets_point_back_to_the_original() -> None:
    original = "DICARI CS di K4mb0ja 🇰🇭, gajiii 15jt!!"
    norm = normalize(original)
    for word, source in [("kamboja", "K4mb0ja"), ("juta", "jt"), ("gaji", "gajiii"), ("cs", "CS")]:
        start = norm.text.index(word)
        assert norm.original_slice(start, start + len(word)) == source
    flag_start = norm.text.index("kamboja", norm.text.index("kamboja") + 1)
    assert norm.original_slice(flag_start, flag_start + len("kamboja")) == "🇰🇭"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_offset_map_is_consistent(text: str) -> None:
    norm = normalize(text)
    assert len(norm.starts) == len(norm.text) == len(norm.ends)
    for start, end in zip(norm.starts, norm.ends, strict=True):
        assert 0 <= start <= end <= len(text)
    assert norm.starts == sorted(norm.starts)
    for i in range(len(norm.text)):
        a, b = norm.to_original(i, i + 1)
        assert 0 <= a <= b <= len(text)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.sampled_from(["K4mb0ja", "K A M B O J A", "kam.boja", "🇰🇭", "Kamboja"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
)
def test_obfuscated_word_maps_back_exactly(prefix: str, word: str, suffix: str) -> None:
    original = f"{prefix} {word} {suffix}"
    norm = normalize(original)
    position = norm.text.find("kamboja")
    if position < 0:  # random neighbours may glue onto the word; the offsets must still be sane
        return
    a, b = norm.to_original(position, position + len("kamboja"))
    assert original[a:b].strip()
    assert 0 <= a < b <= len(original)
