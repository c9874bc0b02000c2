import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from screener.catalogue import catalogue
from screener.datasets import (
    CATEGORY_LABELS,
    CORPUS_DIR,
    CORPUS_KEYS,
    LANGUAGES,
    PLATFORMS,
    Dataset,
    iter_records,
    load_corpus,
    load_emscad,
    load_labelled,
    readers,
)
from screener.errors import DataError

EMSCAD_COLUMNS = [
    "job_id", "title", "location", "department", "salary_range", "company_profile", "description",
    "requirements", "benefits", "telecommuting", "has_company_logo", "has_questions", "employment_type",
    "required_experience", "required_education", "industry", "function", "fraudulent",
]  # fmt: skip


def corpus_row(n: int = 1, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": f"hub-{n:04d}",
        "text": f"Loker admin Kamboja gaji 15jt, tiket ditanggung ({n})",
        "label": 1,
        "category": "tppo",
        "indicators": ["dest_scam_hub", "free_package"],
        "language": "id",
        "platform": "facebook",
        "group": f"hub-g{n:03d}",
    }
    row.update(changes)
    return row


def write_jsonl(path: Path, rows: list[object]) -> Path:
    """Rows are dicts (dumped as JSON) or strings (written as the raw line)."""
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def write_csv(path: Path, header: list[str], rows: list[list[object]], **open_args: str) -> Path:
    with path.open("w", encoding=open_args.get("encoding", "utf-8"), newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@contextmanager
def raises_at(where: str, *fragments: str) -> Iterator[None]:
    """Expect a DataError naming ``where`` first in both languages, with every fragment in English."""
    with pytest.raises(DataError) as info:
        yield
    error = info.value
    assert error.message.startswith(f"{where}: "), error.message
    assert error.message_id.startswith(f"{where}: "), error.message_id
    assert error.message_id != error.message
    for fragment in fragments:
        assert fragment in error.message, (fragment, error.message)


# --- the real corpus ----------------------------------------------------------------------------------


def test_corpus_dir_is_found_from_the_package():
    assert Path(__file__).resolve().parents[1] / "datasets" / "corpus" == CORPUS_DIR


@pytest.mark.skipif(not list(CORPUS_DIR.glob("*.jsonl")), reason="datasets/corpus is empty")
def test_real_corpus_loads_and_every_row_validates():
    data = load_corpus()
    lines = sum(
        1
        for f in CORPUS_DIR.glob("*.jsonl")
        for line in f.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    assert len(data) == lines
    assert data.source == str(CORPUS_DIR)
    assert len(set(data.ids)) == len(data)
    assert data.labels.dtype == np.int64 and set(data.labels.tolist()) == {0, 1}
    known = {indicator.id for indicator in catalogue()}
    for i in range(len(data)):
        assert data.texts[i].strip()
        assert data.labels[i] == CATEGORY_LABELS[data.categories[i]]
        assert data.languages[i] in LANGUAGES and data.platforms[i] in PLATFORMS
        assert set(data.indicators[i]) <= known
        assert data.groups[i]
    assert load_corpus(CORPUS_DIR).fingerprint() == data.fingerprint()
    assert load_labelled(CORPUS_DIR).fingerprint() == data.fingerprint()


# --- the corpus loader on small files -----------------------------------------------------------------


def test_load_corpus_reads_a_folder_in_name_order(tmp_path):
    write_jsonl(tmp_path / "b.jsonl", [corpus_row(3)])
    write_jsonl(
        tmp_path / "a.jsonl",
        [corpus_row(1), corpus_row(2, label=0, category="awareness", indicators=[], language="mixed")],
    )
    (tmp_path / "notes.txt").write_text("not read", encoding="utf-8")
    data = load_corpus(tmp_path)
    assert data.ids == ["hub-0001", "hub-0002", "hub-0003"]
    assert data.labels.tolist() == [1, 0, 1]
    assert data.categories == ["tppo", "awareness", "tppo"]
    assert data.indicators[1] == [] and data.languages[1] == "mixed"
    assert data.groups == ["hub-g001", "hub-g002", "hub-g003"]
    assert data.source == str(tmp_path)
    single = load_corpus(tmp_path / "b.jsonl")
    assert single.ids == ["hub-0003"] and single.source == str(tmp_path / "b.jsonl")


def test_load_corpus_accepts_a_bom_and_blank_lines(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps(corpus_row(1)).encode() + b"\n\n" + json.dumps(corpus_row(2)).encode()
    )
    assert load_corpus(path).ids == ["hub-0001", "hub-0002"]


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        pytest.param(
            {k: v for k, v in corpus_row(2).items() if k != "group"},
            "missing keys: 'group'",
            id="missing-key",
        ),
        pytest.param(corpus_row(2, source="fb"), "unexpected keys: 'source'", id="extra-key"),
        pytest.param(
            corpus_row(2, category="trafficking"), "category 'trafficking' is not one of", id="bad-category"
        ),
        pytest.param(corpus_row(2, language="jv"), "language 'jv' is not one of", id="bad-language"),
        pytest.param(
            corpus_row(2, platform="Facebook"), "platform 'Facebook' is not one of", id="bad-platform"
        ),
        pytest.param(corpus_row(2, label=0), "contradicts category 'tppo'", id="label-vs-category"),
        pytest.param(corpus_row(2, label=2), "label must be 0 or 1, got 2", id="label-2"),
        pytest.param(corpus_row(2, label="1"), "label must be 0 or 1, got '1'", id="label-string"),
        pytest.param(corpus_row(2, label=True), "label must be 0 or 1, got True", id="label-bool"),
        pytest.param(corpus_row(2, label=1.0), "label must be 0 or 1, got 1.0", id="label-float"),
        pytest.param(
            corpus_row(2, indicators=["nope"]), "not in the catalogue: 'nope'", id="unknown-indicator"
        ),
        pytest.param(
            corpus_row(2, indicators="dest_scam_hub"), "must be a list of strings", id="indicators-str"
        ),
        pytest.param(
            corpus_row(2, indicators=["free_package", "free_package"]),
            "indicators repeated",
            id="indicator-twice",
        ),
        pytest.param(corpus_row(2, text=""), "text must be a non-empty string", id="empty-text"),
        pytest.param(corpus_row(2, text=" \n\t"), "text must be a non-empty string", id="blank-text"),
        pytest.param(corpus_row(2, text=None), "text must be a non-empty string", id="null-text"),
        pytest.param(corpus_row(2, id=""), "id must be a non-empty string", id="empty-id"),
        pytest.param(corpus_row(2, id=7), "id must be a non-empty string", id="int-id"),
        pytest.param(corpus_row(2, group=" "), "group must be a non-empty string", id="blank-group"),
        pytest.param(corpus_row(1), "duplicate id 'hub-0001' (first seen at {path}:1)", id="duplicate-id"),
        pytest.param('{"id": "hub-0002", "text": "x"', "invalid JSON", id="bad-json"),
        pytest.param("[1, 2]", "expected a JSON object, got list", id="not-an-object"),
        pytest.param('{"id": "a", "id": "b"}', "duplicate key 'id'", id="duplicate-key"),
    ],
)
def test_load_corpus_names_file_and_line_of_a_bad_row(tmp_path, bad, fragment):
    path = write_jsonl(tmp_path / "tppo.jsonl", [corpus_row(1), bad, corpus_row(3)])
    with raises_at(f"{path}:2", fragment.format(path=path)):
        load_corpus(tmp_path)


def test_load_corpus_duplicate_id_across_files_names_both(tmp_path):
    first = write_jsonl(tmp_path / "a.jsonl", [corpus_row(1)])
    second = write_jsonl(tmp_path / "b.jsonl", [corpus_row(2), corpus_row(1)])
    with raises_at(f"{second}:2", f"first seen at {first}:1"):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    ("make", "where", "fragment"),
    [
        pytest.param(lambda p: p / "missing", "{p}/missing", "file not found", id="missing-path"),
        pytest.param(lambda p: p, "{p}", "no *.jsonl files", id="empty-folder"),
        pytest.param(lambda p: write_jsonl(p / "e.jsonl", []), "{p}/e.jsonl", "no records", id="empty-file"),
    ],
)
def test_load_corpus_refuses_missing_or_empty_input(tmp_path, make, where, fragment):
    with raises_at(where.format(p=tmp_path), fragment):
        load_corpus(make(tmp_path))


# --- CSV and JSONL with a column mapping --------------------------------------------------------------


def test_load_labelled_csv_with_column_mapping_and_custom_label_values(tmp_path):
    path = write_csv(
        tmp_path / "ads.csv",
        ["no", "body", "verdict", "cluster", "extra"],
        [
            ["a1", "Dicari admin ke Kamboja, gaji 20jt", "BAHAYA", "g1", "x"],
            ["a2", "Lowongan kasir Indomaret\nSyarat: SMA", " aman ", "g2", ""],
            ["a3", "Kerja di Myawaddy tanpa pengalaman", "Bahaya", "g1", ""],
        ],
    )
    data = load_labelled(
        path,
        text_column="body",
        label_column="verdict",
        positive=["bahaya"],
        negative=["Aman"],
        group_column="cluster",
        id_column="no",
    )
    assert data.ids == ["a1", "a2", "a3"]
    assert data.texts[1] == "Lowongan kasir Indomaret\nSyarat: SMA"
    assert data.labels.tolist() == [1, 0, 1]
    assert data.groups == ["g1", "g2", "g1"]
    assert data.categories is None and data.indicators is None and data.languages is None
    assert data.source == str(path)


def test_load_labelled_csv_without_id_column_uses_line_numbers(tmp_path):
    path = write_csv(tmp_path / "ads.csv", ["text", "label"], [["multi\nline ad", "1"], ["one line", "0"]])
    data = load_labelled(path)
    assert data.ids == ["2", "4"]  # the line each record starts on; the header is line 1
    assert load_labelled(path, id_column=None).ids == ["2", "4"]


def test_load_labelled_jsonl(tmp_path):
    path = write_jsonl(
        tmp_path / "ads.jsonl",
        [
            {"id": 10, "text": "Loker Kamboja", "label": "scam", "src": "fb"},
            {"id": "b", "text": "Loker kasir", "label": "legit"},
        ],
    )
    data = load_labelled(path)
    assert data.ids == ["10", "b"] and data.labels.tolist() == [1, 0] and data.groups is None


@pytest.mark.parametrize(
    ("value", "label"),
    [
        pytest.param(1, 1, id="int-1"),
        pytest.param(0, 0, id="int-0"),
        pytest.param(1.0, 1, id="float-1.0"),
        pytest.param("0.0", 0, id="string-0.0"),
        pytest.param(True, 1, id="true"),
        pytest.param(False, 0, id="false"),
        pytest.param(" YES ", 1, id="yes-padded-upper"),
        pytest.param("No", 0, id="no"),
        pytest.param("Fraudulent", 1, id="fraudulent"),
        pytest.param("risky", 1, id="risky"),
        pytest.param("TPPM", 1, id="tppm"),
        pytest.param("awareness", 0, id="awareness"),
        pytest.param("Legitimate", 0, id="legitimate"),
    ],
)
def test_default_label_values(tmp_path, value, label):
    path = write_jsonl(tmp_path / "one.jsonl", [{"text": "iklan", "label": value}])
    assert load_labelled(path).labels.tolist() == [label]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("maybe", "'maybe'", id="word"),
        pytest.param(2, "2", id="two"),
        pytest.param(None, "(empty)", id="null"),
        pytest.param("  ", "(empty)", id="blank"),
    ],
)
def test_unknown_label_value_names_row_and_value(tmp_path, value, shown):
    path = write_jsonl(tmp_path / "ads.jsonl", [{"text": "a", "label": 1}, {"text": "b", "label": value}])
    with raises_at(f"{path}:2", f"label {shown} in column 'label' is neither positive"):
        load_labelled(path)


def test_label_value_both_positive_and_negative_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "ads.jsonl", [{"text": "a", "label": 1}])
    with pytest.raises(DataError, match="both positive and negative: 'ya'"):
        load_labelled(path, positive=["ya", "1"], negative=["YA"])


@pytest.mark.parametrize(
    ("kwargs", "where", "fragment"),
    [
        pytest.param(
            {"text_column": "body"},
            ":1",
            "no column 'body'; available columns: 'id', 'text', 'label'",
            id="text",
        ),
        pytest.param({"label_column": "y"}, ":1", "no column 'y'; available columns:", id="label"),
        pytest.param({"group_column": "grp"}, ":1", "no column 'grp'", id="group"),
    ],
)
def test_missing_csv_column_lists_the_available_ones(tmp_path, kwargs, where, fragment):
    path = write_csv(tmp_path / "ads.csv", ["id", "text", "label"], [["1", "a", "1"]])
    with raises_at(f"{path}{where}", fragment):
        load_labelled(path, **kwargs)


def test_missing_jsonl_key_lists_the_record_keys(tmp_path):
    path = write_jsonl(tmp_path / "ads.jsonl", [{"text": "a", "label": 1}, {"body": "b", "label": 0}])
    with raises_at(f"{path}:2", "no column 'text'; available columns: 'body', 'label'"):
        load_labelled(path)


@pytest.mark.parametrize(
    ("rows", "line", "fragment"),
    [
        pytest.param([["1", "", "1"]], 2, "empty text in column 'text'", id="empty"),
        pytest.param(
            [["1", "ok", "1"], ["2", " \n ", "0"]],
            3,
            "empty text in column 'text'",
            id="whitespace-multiline",
        ),
        pytest.param(
            [["1", "ok", "1"], ["1", "again", "0"]], 3, "duplicate id '1' (first seen at", id="duplicate-id"
        ),
        pytest.param([["", "ok", "1"]], 2, "empty id in column 'id'", id="empty-id"),
        pytest.param([["1", "ok", "1", "surplus"]], 2, "row has 4 fields, the header has 3", id="long-row"),
        pytest.param([["1", "ok"]], 2, "row has 2 fields, the header has 3", id="short-row"),
    ],
)
def test_bad_csv_rows_name_the_line(tmp_path, rows, line, fragment):
    path = write_csv(tmp_path / "ads.csv", ["id", "text", "label"], rows)
    with raises_at(f"{path}:{line}", fragment):
        load_labelled(path)


def test_csv_file_level_problems(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with raises_at(str(empty), "no header row"):
        load_labelled(empty)
    twice = write_csv(tmp_path / "twice.csv", ["text", "label", "text"], [["a", "1", "b"]])
    with raises_at(f"{twice}:1", "duplicate column names: 'text'"):
        load_labelled(twice)
    header_only = write_csv(tmp_path / "header.csv", ["text", "label"], [])
    with raises_at(str(header_only), "no records"):
        load_labelled(header_only)
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_text('text,label\n"ok",1\n"never closed,0\n' + "x" * 100 + "\n", encoding="utf-8")
    with raises_at(f"{unclosed}:3", "row has 1 fields, the header has 2"):
        load_labelled(unclosed)


def test_csv_field_over_the_size_limit_is_a_data_error(tmp_path, monkeypatch):
    previous = csv.field_size_limit()
    monkeypatch.setattr(readers, "FIELD_SIZE_LIMIT", 1000)
    csv.field_size_limit(1000)
    try:
        path = write_csv(tmp_path / "ads.csv", ["text", "label"], [["ok", "1"], ["x" * 1001, "0"]])
        with raises_at(f"{path}:3", "unreadable CSV: field larger than field limit"):
            load_labelled(path)
    finally:
        csv.field_size_limit(previous)


def test_csv_with_a_huge_field_loads(tmp_path):
    huge = "Loker Kamboja gaji besar. " * 40_000  # about 1 MB, far above csv's default 128 KiB limit
    path = write_csv(tmp_path / "big.csv", ["text", "label"], [[huge, "1"], ["kecil", "0"]])
    data = load_labelled(path)
    assert data.texts[0] == huge and data.labels.tolist() == [1, 0]


def test_csv_bom_crlf_and_quoted_newlines(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b'\xef\xbb\xbfid,text,label\r\n7,"Gaji 10jt\r\nberangkat cepat",ya\r\n8,kasir,tidak\r\n')
    data = load_labelled(path, positive=["ya"], negative=["tidak"])
    assert data.ids == ["7", "8"] and data.texts[0] == "Gaji 10jt\r\nberangkat cepat"
    assert data.labels.tolist() == [1, 0]


@pytest.mark.parametrize(
    ("name", "content", "line", "byte"),
    [
        pytest.param("ads.csv", b"text,label\nok,1\ncaf\xe9 Kamboja,1\n", 3, 19, id="csv"),
        pytest.param(
            "ads.jsonl", b'{"text": "ok", "label": 1}\n{"text": "caf\xe9", "label": 1}\n', 2, 40, id="jsonl"
        ),
        pytest.param("bom.csv", b"\xef\xbb\xbftext,label\n\xa0ok,1\n", 2, 14, id="csv-after-bom"),
    ],
)
def test_latin1_bytes_name_line_and_byte(tmp_path, name, content, line, byte):
    path = tmp_path / name
    path.write_bytes(content)
    assert content[byte] >= 0x80
    with raises_at(f"{path}:{line}", f"not valid UTF-8: byte {byte} of the file"):
        load_labelled(path)


def test_latin1_corpus_file(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(
        json.dumps(corpus_row(1)).encode()
        + b"\n"
        + json.dumps(corpus_row(2)).encode().replace(b"Loker", b"L\xf6ker")
    )
    with raises_at(f"{path}:2", "not valid UTF-8"):
        load_corpus(path)


@pytest.mark.parametrize(
    ("fmt", "name", "fragment"),
    [
        pytest.param("auto", "ads.tsv", "unknown file type '.tsv'", id="unknown-extension"),
        pytest.param("xlsx", "ads.csv", "unknown format 'xlsx'", id="unknown-format"),
    ],
)
def test_unknown_formats(tmp_path, fmt, name, fragment):
    path = tmp_path / name
    path.write_text("text\tlabel\n", encoding="utf-8")
    with pytest.raises(DataError, match=fragment):
        load_labelled(path, format=fmt)


def test_explicit_format_overrides_the_extension(tmp_path):
    path = tmp_path / "ads.txt"
    path.write_text('{"text": "a", "label": 0}\n', encoding="utf-8")
    assert load_labelled(path, format="jsonl").labels.tolist() == [0]
    corpus = write_jsonl(tmp_path / "corpus.jsonl", [corpus_row(1)])
    assert load_labelled(corpus, format="corpus").categories == ["tppo"]


# --- EMSCAD ---------------------------------------------------------------------------------------------


def emscad_row(job_id: str, title: str, fraudulent: str, **fields: str) -> list[str]:
    row = dict.fromkeys(EMSCAD_COLUMNS, "")
    row.update(job_id=job_id, title=title, fraudulent=fraudulent, telecommuting="0", has_company_logo="1")
    row.update(fields)
    return [row[c] for c in EMSCAD_COLUMNS]


def test_load_emscad(tmp_path):
    path = write_csv(
        tmp_path / "fake_job_postings.csv",
        EMSCAD_COLUMNS,
        [
            emscad_row(
                "1",
                "Marketing Intern",
                "0",
                company_profile="We're Food52.",
                description="Food52 is hiring.\nApply now.",
                requirements="NaN",
                benefits="  ",
            ),
            emscad_row(
                "2",
                "Data Entry Clerk",
                "1",
                description="Work from home, $5000/week",
                benefits="Paid training",
            ),
        ],
    )
    data = load_emscad(path)
    assert data.ids == ["1", "2"]
    assert data.texts == [
        "Marketing Intern\n\nWe're Food52.\n\nFood52 is hiring.\nApply now.",
        "Data Entry Clerk\n\nWork from home, $5000/week\n\nPaid training",
    ]
    assert data.labels.tolist() == [0, 1]
    assert data.groups is None
    assert load_labelled(path, format="emscad").fingerprint() == data.fingerprint()


def test_load_emscad_without_job_id_and_with_t_f_labels(tmp_path):
    columns = [c for c in EMSCAD_COLUMNS if c != "job_id"]
    rows = [emscad_row("", "Clerk", "t")[1:], emscad_row("", "Nurse", "f")[1:]]
    data = load_emscad(write_csv(tmp_path / "emscad.csv", columns, rows))
    assert data.ids == ["2", "3"] and data.labels.tolist() == [1, 0]


def test_load_emscad_errors(tmp_path):
    no_label = write_csv(tmp_path / "a.csv", EMSCAD_COLUMNS[:-1], [emscad_row("1", "Clerk", "0")[:-1]])
    with raises_at(f"{no_label}:1", "no column 'fraudulent'; available columns: 'job_id', 'title'"):
        load_emscad(no_label)
    empty = write_csv(
        tmp_path / "b.csv", EMSCAD_COLUMNS, [emscad_row("1", "Clerk", "0"), emscad_row("2", "nan", "0")]
    )
    with raises_at(f"{empty}:3", "empty text"):
        load_emscad(empty)
    bad_label = write_csv(tmp_path / "c.csv", EMSCAD_COLUMNS, [emscad_row("1", "Clerk", "maybe")])
    with raises_at(f"{bad_label}:2", "label 'maybe' in column 'fraudulent'"):
        load_emscad(bad_label)


# --- iter_records ---------------------------------------------------------------------------------------


def test_iter_records_jsonl_yields_the_error_and_goes_on(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "Loker Kamboja"}\n'
        b'{"id": "b", "text": \n'
        b"\n"
        b'{"id": "c", "text": "caf\xe9"}\n'
        b'{"id": "d", "text": "   "}\n'
        b'{"text": "tanpa id", "note": 1}\n'
        b'["not", "an", "object"]\n'
        b'{"id": "e", "text": "Loker kasir"}'  # no final newline
    )
    records = iter_records(path)
    assert isinstance(records, Iterator)
    out = list(records)
    assert [n for n, _ in out] == [1, 2, 4, 5, 6, 7, 8]
    assert out[0] == (1, {"id": "a", "text": "Loker Kamboja"})
    errors = {n: r for n, r in out if isinstance(r, DataError)}
    assert set(errors) == {2, 4, 5, 7}
    assert "invalid JSON" in errors[2].message and errors[2].message.startswith(f"{path}:2:")
    assert "not valid UTF-8" in errors[4].message
    assert "empty text" in errors[5].message
    assert "expected a JSON object" in errors[7].message
    assert out[4] == (6, {"text": "tanpa id", "note": 1})  # the id is optional when scoring
    assert out[6] == (8, {"id": "e", "text": "Loker kasir"})


def test_iter_records_csv(tmp_path):
    path = write_csv(
        tmp_path / "ads.csv",
        ["ref", "body"],
        [
            ["r1", "Loker Kamboja"],
            ["r2", ""],
            ["r3", "multi\nline"],
            ["r4", "ok", "surplus"],
            ["r5", "akhir"],
        ],
    )
    out = list(iter_records(path, text_column="body", id_column="ref"))
    assert [n for n, _ in out] == [2, 3, 4, 6, 7]
    assert out[0] == (2, {"ref": "r1", "body": "Loker Kamboja"})
    assert isinstance(out[1][1], DataError) and "empty text in column 'body'" in out[1][1].message
    assert out[2] == (4, {"ref": "r3", "body": "multi\nline"})
    assert isinstance(out[3][1], DataError) and "row has 3 fields" in out[3][1].message
    assert out[4] == (7, {"ref": "r5", "body": "akhir"})


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        pytest.param(
            "ads.csv", b"id,body\n1,a\n", "no column 'text'; available columns: 'id', 'body'", id="csv-column"
        ),
        pytest.param("ads.csv", b"text\nok\n\xff\n", "not valid UTF-8", id="csv-encoding"),
        pytest.param("ads.xlsx", b"PK", "unknown file type '.xlsx'", id="extension"),
    ],
)
def test_iter_records_raises_for_file_level_problems(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=fragment):
        list(iter_records(path))
    with pytest.raises(DataError, match="file not found"):
        list(iter_records(tmp_path / "missing.jsonl"))


# --- Dataset --------------------------------------------------------------------------------------------


def small() -> Dataset:
    return Dataset(
        texts=["a", "b", "c", "d"],
        labels=np.array([1, 0, 1, 0]),
        ids=["i1", "i2", "i3", "i4"],
        groups=["g1", "g1", "g2", "g3"],
        categories=["tppo", "legit", "scam", "awareness"],
        indicators=[["x"], [], ["y", "z"], []],
        languages=["id", "en", "id", "mixed"],
        platforms=["facebook", "news", "tiktok", "government"],
        source="mem",
    )


def test_fingerprint_is_stable_and_sensitive():
    base = small().fingerprint()
    assert base == small().fingerprint()
    assert len(base) == 64 and int(base, 16) >= 0
    variants = {
        "label": Dataset(texts=["a", "b", "c", "d"], labels=[1, 0, 1, 1], ids=["i1", "i2", "i3", "i4"]),
        "text": Dataset(texts=["a", "b", "c", "e"], labels=[1, 0, 1, 0], ids=["i1", "i2", "i3", "i4"]),
        "id": Dataset(texts=["a", "b", "c", "d"], labels=[1, 0, 1, 0], ids=["i1", "i2", "i3", "i5"]),
        "order": small().subset([1, 0, 2, 3]),
        "boundary": Dataset(texts=["ab", "", "c", "d"], labels=[1, 0, 1, 0], ids=["i1", "i2", "i3", "i4"]),
    }
    same_content = Dataset(texts=["a", "b", "c", "d"], labels=[1, 0, 1, 0], ids=["i1", "i2", "i3", "i4"])
    assert same_content.fingerprint() == base  # metadata and source are not part of the data hash
    for name, variant in variants.items():
        assert variant.fingerprint() != base, name


@pytest.mark.parametrize(
    ("index", "ids"),
    [
        pytest.param([2, 0], ["i3", "i1"], id="list"),
        pytest.param(np.array([3, 3]), ["i4", "i4"], id="array-with-repeats"),
        pytest.param(np.array([True, False, True, False]), ["i1", "i3"], id="mask"),
        pytest.param([], [], id="empty"),
        pytest.param(range(4), ["i1", "i2", "i3", "i4"], id="range"),
    ],
)
def test_subset(index, ids):
    data = small()
    part = data.subset(index)
    assert part.ids == ids and len(part) == len(ids)
    rows = [data.ids.index(i) for i in ids]
    assert part.texts == [data.texts[i] for i in rows]
    assert part.labels.tolist() == [data.labels[i] for i in rows]
    assert part.groups == [data.groups[i] for i in rows]
    assert part.categories == [data.categories[i] for i in rows]
    assert part.indicators == [data.indicators[i] for i in rows]
    assert part.languages == [data.languages[i] for i in rows]
    assert part.platforms == [data.platforms[i] for i in rows]
    assert part.source == "mem"


@pytest.mark.parametrize(
    ("index", "error"),
    [
        pytest.param([4], IndexError, id="past-the-end"),
        pytest.param([-1], IndexError, id="negative"),
        pytest.param(np.array([True, False]), IndexError, id="short-mask"),
        pytest.param([0.5], TypeError, id="float"),
    ],
)
def test_subset_refuses_bad_indexes(index, error):
    with pytest.raises(error):
        small().subset(index)


def test_subset_of_a_dataset_without_metadata():
    data = Dataset(texts=["a", "b"], labels=[0, 1], ids=["1", "2"])
    part = data.subset([1])
    assert part.groups is None and part.indicators is None and part.labels.tolist() == [1]


def test_dataset_checks_its_fields():
    data = small()
    assert data.labels.dtype == np.int64
    with pytest.raises(ValueError, match="read-only"):
        data.labels[0] = 0
    with pytest.raises(ValueError, match="ids has 1 items, texts has 2"):
        Dataset(texts=["a", "b"], labels=[0, 1], ids=["1"])
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        Dataset(texts=["a"], labels=[2], ids=["1"])
    with pytest.raises(ValueError, match="labels must be integers"):
        Dataset(texts=["a"], labels=[0.5], ids=["1"])
    assert len(Dataset(texts=[], labels=[], ids=[])) == 0


def test_corpus_keys_constant_matches_the_schema():
    assert set(corpus_row()) == set(CORPUS_KEYS)
