import pytest

from screener.language import guess_language
from screener.vocabulary import Language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Dicari staf gudang di Bekasi, gaji sesuai UMK, hubungi kami", Language.ID, id="id"),
        pytest.param("We are hiring: apply for the job with your CV", Language.EN, id="en"),
        pytest.param("Apply for the job, kerja di Bekasi dengan gaji UMK", Language.MIXED, id="mixed"),
        pytest.param("12345 !!!", Language.ID, id="no-words"),
    ],
)
def test_guess_language(text: str, expected: Language) -> None:
    assert guess_language(text) is expected
