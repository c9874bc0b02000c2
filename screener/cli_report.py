"""How ``screener score`` prints an assessment on a terminal: tier, scope, reasons with their evidence,
pay against the reference wage, next steps, and for a picture the OCR text with its boxes."""

from __future__ import annotations

from typing import Any, TextIO

__all__ = ["print_image_source", "print_report"]

TIER_COLOURS = {"tinggi": "\033[1;31m", "sedang": "\033[1;33m", "rendah": "\033[1;32m"}
RESET = "\033[0m"


def _colour(enabled: bool, code: str, text: str) -> str:
    return f"{code}{text}{RESET}" if enabled else text


def print_report(assessment: Any, colour: bool, out: TextIO) -> None:
    a = assessment
    tier = _colour(colour, TIER_COLOURS[a.tier], f"{a.tier.upper()}")
    print(f"Tingkat risiko / risk tier: {tier}   skor {a.score}/100   kategori: {a.category}", file=out)
    if a.scope_probability is not None:
        scope = "lowongan kerja / job offer" if a.scope == "offer" else "bukan lowongan / not an offer"
        print(
            f"Cakupan / scope: {scope} (peluang lowongan / offer probability {a.scope_probability:.0%})",
            file=out,
        )
    print(a.summary, file=out)
    if a.indicators:
        print("\nAlasan / reasons:", file=out)
        for ind in a.indicators:
            sign = "+" if ind.weight > 0 else "-"
            evidence = "; ".join(f'"{e["text"]}" [{e["start"]}:{e["end"]}]' for e in ind.evidence)
            print(f"  {sign} {ind.name_id} ({ind.id}, {ind.level})", file=out)
            print(f"      bukti: {evidence}", file=out)
            print(f"      {ind.explanation_id}", file=out)
    if a.salary:
        s = a.salary
        print(
            f"\nGaji / pay: {s['amount']['text']} = Rp {s['amount']['idr_month_high']:,.0f}/bulan, "
            f"{s['ratio']:.1f}x {s['reference_name']}",
            file=out,
        )
    advice = [ind.advice_id for ind in a.indicators if ind.weight > 0][:3]
    if advice:
        print("\nLangkah berikut / what to do next:", file=out)
        for line in dict.fromkeys(advice):
            print(f"  - {line}", file=out)
    print(
        "\nCatatan: hasil ini alat bantu, bukan temuan hukum. / This is an aid, not a legal finding.",
        file=out,
    )


def print_image_source(source: dict[str, Any], out: TextIO) -> None:
    print(
        f"\nTeks gambar / image text (OCR, keyakinan / confidence {source['confidence']:.0f}%, "
        f"{source['width']}x{source['height']} px):",
        file=out,
    )
    for line in source["text"].splitlines():
        print(f"  | {line}", file=out)
    for span in source["spans"]:
        boxes = " ".join("[{},{},{},{}]".format(*b) for b in span["boxes"]) or "-"
        quoted = " ".join(span["text"].split())
        print(f'  {span["n"]:>2}. {span["indicator"]}: "{quoted}" kotak / boxes {boxes}', file=out)
