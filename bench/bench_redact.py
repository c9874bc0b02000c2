"""Measure redaction on generated text: phone-like strings masked, and false masks on look-alikes.

Phone-like strings (written for this project, seeded): Indonesian mobiles and landlines, +855 / +95 /
+856 / +66 / +60 numbers and +62 numbers in unassigned ranges, in every usual layout (plain, dashes,
dots, spaces, brackets, one digit at a time), and numbers spelled out in Indonesian or English words
(or half in digits), each put in a short ad sentence. Look-alikes that must stay readable: prices,
dates, clock times, year ranges, ages, heights, licence and job-order numbers, honorifics before roles.

    .venv/bin/python bench/bench_redact.py [--n 2000] [--seed 13]

The last line is ``key=value`` pairs: ``phones masked masked_pct lookalikes false_masks false_pct``.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from screener.redact import redact

DIGIT_WORDS_ID = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
DIGIT_WORDS_EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
CONTEXTS = [
    "Hubungi {p} sekarang juga",
    "info lengkap WA: {p}",
    "minat? japri {p}.",
    "{p}",
    "kirim CV ke {p}, gaji besar",
    "CP: {p} (admin)",
    "Telp/SMS {p} atau datang ke kantor",
    "call me {p} for details",
    "nomor kami {p} aktif 24 jam",
    "daftar cepat -> {p} <- terbatas",
]


@dataclass(frozen=True)
class Case:
    text: str
    secret: str  # the phone as written
    kind: str  # format family


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _group(digits: str, sizes: list[int], sep: str) -> str:
    out, i = [], 0
    for size in sizes:
        if i >= len(digits):
            break
        out.append(digits[i : i + size])
        i += size
    if i < len(digits):
        out[-1] += digits[i:]
    return sep.join(out)


def _layout(rng: random.Random, national: str, country: str | None) -> tuple[str, str]:
    """One written form of a number: (text, format family)."""
    style = rng.choice(["plain", "dash", "space", "dot", "bracket", "single", "mixed"])
    body = national.lstrip("0") if country else national
    sizes = rng.choice([[4, 4, 4], [3, 4, 4], [3, 3, 4], [2, 3, 3, 3], [4, 3, 3]])
    if style == "plain":
        local = body
    elif style == "dash":
        local = _group(body, sizes, "-")
    elif style == "space":
        local = _group(body, sizes, " ")
    elif style == "dot":
        local = _group(body, sizes, ".")
    elif style == "bracket":
        local = f"({body[:3]}) {_group(body[3:], [3, 4], '-')}"
    elif style == "single":
        local = " ".join(body)
    else:
        local = _group(body, sizes, rng.choice([" - ", ". ", " . ", "  "]))
    if country:
        prefix = rng.choice([f"+{country} ", f"+{country}-", f"+{country}", f"{country} ", f"(+{country}) "])
        return prefix + local, f"{style}+{country}"
    return local, style


def phone_cases(n: int, seed: int = 13) -> list[Case]:
    rng = random.Random(seed)
    makers: list[Callable[[], tuple[str, str]]] = [
        lambda: _layout(rng, "08" + rng.choice(["11", "12", "13", "21", "22", "52", "53", "55", "56", "57",
                                                "58", "77", "78", "81", "82", "95", "96", "97", "98", "99"])
                        + _digits(rng, rng.choice([6, 7, 8])), rng.choice([None, "62"])),
        lambda: _layout(rng, "08" + rng.choice(["00", "04", "06", "40", "44", "60", "65", "70", "90", "93"])
                        + _digits(rng, 8), "62"),  # +62 unassigned mobile ranges
        lambda: _layout(rng, "0" + rng.choice(["21", "22", "24", "31", "274", "361", "778"]) + _digits(rng, 7), None),
        lambda: _layout(rng, "0" + rng.choice(["10", "11", "12", "15", "16", "17", "60", "61", "66", "67", "69",
                                               "70", "76", "77", "78", "85", "87", "88", "89", "92", "93", "95",
                                               "96", "97", "98", "99", "19", "33", "50"])
                        + _digits(rng, rng.choice([6, 7])), "855"),
        lambda: _layout(rng, "09" + _digits(rng, rng.choice([7, 8, 9])), "95"),
        lambda: _layout(rng, "020" + _digits(rng, 8), "856"),
        lambda: _layout(rng, "0" + rng.choice(["6", "8", "9"]) + _digits(rng, 8), "66"),
        lambda: _layout(rng, "01" + _digits(rng, rng.choice([7, 8])), "60"),
        lambda: _spelled(rng),
    ]  # fmt: skip
    cases = []
    for i in range(n):
        written, kind = makers[i % len(makers)]()
        context = rng.choice(CONTEXTS)
        cases.append(Case(context.format(p=written), written, kind))
    return cases


def _spelled(rng: random.Random) -> tuple[str, str]:
    digits = "08" + _digits(rng, rng.choice([8, 9, 10]))
    language = rng.choice(["id", "en", "mixed"])
    if language == "mixed":  # the first digits as numerals, the rest in words
        cut = rng.choice([2, 4])
        words = [digits[:cut]] + [DIGIT_WORDS_ID[int(d)] for d in digits[cut:]]
    else:
        table = DIGIT_WORDS_ID if language == "id" else DIGIT_WORDS_EN
        words = [table[int(d)] for d in digits]
        if language == "id" and rng.random() < 0.3:
            words = ["kosong" if w == "nol" else w for w in words]
    sep = rng.choice([" ", " - ", ", ", "-"])
    text = sep.join(words)
    return (text.upper() if rng.random() < 0.2 else text), f"spelled-{language}"


def lookalike_cases(seed: int = 13) -> list[str]:
    """Text that must come out unchanged: numbers that are not phones, roles after honorifics."""
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(60):
        millions = rng.randint(2, 45)
        hundred = rng.choice(["000", "250", "500", "750"])
        out += [
            f"Gaji Rp {millions}.{hundred}.000 per bulan",
            f"gaji Rp. {millions}.{hundred}.000,- bersih",
            f"upah {millions}.{hundred}.000 rupiah",
            f"penghasilan {millions}.000.000/bulan",
            f"gaji {millions}-{millions + 5} juta",
            f"USD {rng.randint(1, 3)},{rng.randint(100, 999)} per month",
            f"RM {rng.randint(1, 9)}.{rng.randint(100, 999)} sebulan",
            f"IDR {millions * 1000000:,}".replace(",", "."),
        ]
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2019, 2026)
        out += [
            f"berangkat {day:02d}-{month:02d}-{year}",
            f"tanggal {year}-{month:02d}-{day:02d}",
            f"interview {day}/{month}/{year}",
            f"tgl {day:02d}.{month:02d}.{year}",
            f"batas {day} Maret {year}",
            f"periode {year}-{year + 1}",
            f"jam kerja {rng.randint(6, 9):02d}.00-{rng.randint(15, 21)}.00 WIB",
            "shift 08:00 - 20:00, istirahat 12.00-13.00",
        ]
        out += [
            f"KEP.{rng.randint(10, 999)}/{year}",
            f"SIP3MI No. {rng.randint(1, 9)}/{rng.randint(1000, 9999)}/{year}",
            f"Job Order No. JO/TW/{year}/{rng.randint(1000, 9999)}",
            f"NIB {rng.randint(10**12, 10**13 - 1)}",
            f"No. {rng.randint(100, 999)}/{rng.randint(1000, 9999)}/DPMPTSP/{year}",
            f"usia {rng.randint(18, 22)}-{rng.randint(30, 45)} tahun, tinggi min {rng.randint(150, 170)} cm",
            f"dibutuhkan {rng.randint(10, 200)} orang, kontrak {rng.randint(1, 3)} tahun",
            f"Kode pos {rng.randint(10000, 99999)}",
        ]
        out += [
            "Dicari Ibu Rumah Tangga untuk kerja sampingan",
            "Hubungi Admin untuk info",
            "Kak Admin siap membantu",
            "Bapak/Ibu yang terhormat",
            "Kerja di Kamboja, Hubungi Kami",
            "Pak RT dan Bu RW mengetahui",
        ]
    return out


def _masked(case: Case, text: str) -> bool:
    if case.secret in text:
        return False
    if case.kind.startswith("spelled"):
        words = set(DIGIT_WORDS_ID + DIGIT_WORDS_EN + ["kosong"])
        return sum(w.lower() in words for w in re.findall(r"[A-Za-z]+", text)) <= 2
    return len(re.findall(r"\d", text)) == len(re.findall(r"\d", case.text.replace(case.secret, "")))


def measure(n: int = 2000, seed: int = 13) -> dict[str, float]:
    cases = phone_cases(n, seed)
    missed = [c for c in cases if not _masked(c, redact(c.text).text)]
    lookalikes = lookalike_cases(seed)
    false = [t for t in lookalikes if redact(t).text != t]
    return {
        "phones": len(cases),
        "masked": len(cases) - len(missed),
        "masked_pct": round(100 * (len(cases) - len(missed)) / len(cases), 2),
        "lookalikes": len(lookalikes),
        "false_masks": len(false),
        "false_pct": round(100 * len(false) / len(lookalikes), 2),
        "missed_examples": missed[:5],  # type: ignore[dict-item]
        "false_examples": sorted(set(false))[:5],  # type: ignore[dict-item]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    figures = measure(args.n, args.seed)
    for case in figures.pop("missed_examples"):  # type: ignore[attr-defined]
        print("missed:", case)
    for text in figures.pop("false_examples"):  # type: ignore[attr-defined]
        print("false mask:", text)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
