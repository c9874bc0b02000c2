import io
import json
import subprocess
import sys

import pytest

from screener.cli import main

AD = (
    "DICARI ADMIN CS utk PT di Phnom Penh, gaji 15-20jt, tanpa pengalaman, tiket+paspor dibantu, "
    "visa kunjungan dulu, info japri +855 96 412 7781"
)


def test_score_json(capsys) -> None:
    assert main(["score", "--json", AD]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tier"] == "tinggi"
    assert {"dest_scam_hub", "salary_unrealistic", "no_qualification", "free_package", "tourist_visa_work",
            "private_channel"} <= {i["id"] for i in data["indicators"]}  # fmt: skip


def test_score_report_is_readable(capsys) -> None:
    assert main(["score", "--color", "always", AD]) == 0
    out = capsys.readouterr().out
    assert "\033[1;31mTINGGI" in out
    assert '"Phnom Penh" [26:36]' in out
    assert "Langkah berikut" in out


def test_score_from_stdin(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(AD.encode("utf-8"))))
    assert main(["score", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["tier"] == "tinggi"


def test_empty_text_is_a_one_line_error(capsys) -> None:
    assert main(["score", "   "]) == 2
    err = capsys.readouterr().err
    assert err.startswith("galat / error:") and "kosong" in err and len(err.strip().splitlines()) == 1


def _write_jsonl(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_score_file_jsonl_carries_ids(tmp_path) -> None:
    source = tmp_path / "ads.jsonl"
    _write_jsonl(
        source,
        [
            json.dumps({"id": f"ad-{i}", "text": AD if i % 2 else "Lowongan kasir di Solo, gaji UMR"})
            for i in range(5)
        ],
    )
    out = tmp_path / "out.jsonl"
    assert main(["score-file", str(source), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [f"ad-{i}" for i in range(5)]
    assert [r["tier"] for r in rows][1] == "tinggi"


def test_score_file_csv_with_text_column(tmp_path) -> None:
    source = tmp_path / "ads.csv"
    source.write_text(
        'id,isi\n1,"' + AD + '"\n2,"Dicari barista di Bandung, gaji 3 juta"\n', encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    assert main(["score-file", str(source), "--out", str(out), "--text-column", "isi"]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["1", "2"]


def test_malformed_record_is_named_and_others_are_kept(tmp_path, capsys) -> None:
    source = tmp_path / "ads.jsonl"
    _write_jsonl(source, [json.dumps({"id": "a", "text": AD}), "{not json", json.dumps({"id": "c", "text": "  "}),
                          json.dumps({"id": "d", "text": "Dicari kurir di Medan"})])  # fmt: skip
    out = tmp_path / "out.jsonl"
    assert main(["score-file", str(source), "--out", str(out)]) == 2
    assert ":2:" in capsys.readouterr().err
    assert main(["score-file", str(source), "--out", str(out), "--skip-errors"]) == 0
    err = capsys.readouterr().err
    assert "baris/line 2" in err and "baris/line 3" in err
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a", "d"]


def test_indicators_json(capsys) -> None:
    assert main(["indicators", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 25 and all(r["examples_positive"] for r in rows)


@pytest.mark.slow  # a fresh interpreter per command
@pytest.mark.parametrize("command", ["score", "score-file", "indicators", "train", "evaluate"])
def test_every_command_has_help(command) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "screener.cli", command, "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "usage:" in result.stdout
