"""The Markdown evaluation report: ``report.md``, ``result.json`` and the figures, in one folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screener.evaluate.aggregate import is_number
from screener.evaluate.plots import Curve, write_figures
from screener.evaluate.real_dev import real_dev_lines

__all__ = ["write_report"]


def _fmt(value: Any, std: Any = None) -> str:
    if value is None:
        return "–"
    text = f"{value:.4f}" if isinstance(value, float) else str(value)
    if std is not None and is_number(std):
        text += f" ± {std:.4f}"
    return text


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.2f}%"


def _explained_lines(rows: list[dict[str, Any]]) -> list[str]:
    lines = []
    for row in rows:
        head = f"- **{row['id']}**"
        if row.get("category"):
            head += f" ({row['category']}, label {row['label']})"
        head += f": risk {row['risk']:.3f}, score {row['score']}, tier **{row['tier']}**"
        lines.append(head)
        lines.append(f"  - {row['summary']}")
        if row["indicators"]:
            found = "; ".join(
                f"`{ind['id']}` ({ind['weight']:+.1f}): " + ", ".join(f'"{e}"' for e in ind["evidence"][:3])
                for ind in row["indicators"]
            )
            lines.append(f"  - indicators: {found}")
        if row["top_terms"]:
            terms = ", ".join(f"`{t}` {w:+.2f}" for t, w in row["top_terms"][:6])
            lines.append(f"  - top terms: {terms}")
        lines.append(f"  - text: > {row['text']}")
    return lines or ["(none)"]


def write_report(
    result: dict[str, Any],
    report_dir: str | Path,
    curves: list[Curve],
) -> Path:
    """Write ``report.md``, ``result.json`` and the PNG figures into ``report_dir``; returns report.md."""
    folder = Path(report_dir)
    folder.mkdir(parents=True, exist_ok=True)
    figures = write_figures(folder, curves)
    metrics = result["metrics"]
    std = result.get("metrics_std", {})
    first = result["runs"][0]
    seeds = result["seeds"]
    lines = [
        "# Evaluation report",
        "",
        f"- created: {result['created_at']}",
        f"- data: `{result['data']['source']}` ({result['data']['format']}), {result['data']['n']} rows, "
        f"{result['data']['n_positive']} risky; sha256 `{result['data']['sha256'][:16]}…`",
    ]
    split = result["split"]
    if split["kind"] == "none":
        lines.append(
            f"- model: `{result['model']['path']}` (version {result['model']['version']}), no training"
        )
    else:
        lines.append(
            f"- split: **{split['kind']}** ({split['groups']}), test share {split['test_size']}, "
            f"seeds {', '.join(map(str, seeds))}; groups in both sides: "
            f"{sum(r['groups_in_both'] for r in split['runs'])}"
        )
        if "method" in split:
            lines.append(f"- near-duplicate clusters: {split['method']}")
        lines.append(
            "- each seed trains on its train part (grid "
            f"{result['model']['grid']}); thresholds come from that model's own out-of-fold predictions"
        )
    if result.get("note"):
        lines.append(f"- **note:** {result['note']}")
    if len(seeds) > 1:
        lines.append(
            f"- figures below are mean ± sample std over {len(seeds)} seeds; details are seed {seeds[0]}"
        )
    lines += [
        "",
        "## Metrics",
        "",
        "Flagged = tier `sedang` or above.",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    for key in ("precision", "recall", "f1", "pr_auc", "roc_auc", "brier", "ece", "n_train", "n_test"):
        lines.append(f"| {key} | {_fmt(metrics.get(key), std.get(key))} |")
    for tier in ("at_sedang", "at_tinggi"):
        block, spread = metrics.get(tier, {}), std.get(tier, {})
        for key in ("threshold", "precision", "recall", "f1", "false_positive_rate"):
            lines.append(f"| {tier}.{key} | {_fmt(block.get(key), spread.get(key))} |")

    per_category = metrics.get("per_category", {})
    if per_category:
        lines += [
            "",
            "## Per category",
            "",
            "Recall for risky categories, false-positive rate for safe ones.",
            "",
            "| category | n | rate at sedang | rate at tinggi | what |",
            "|---|---|---|---|---|",
        ]
        spread_all = std.get("per_category", {})
        for key, row in per_category.items():
            name = "recall" if row["label"] else "fpr"
            spread = spread_all.get(key, {})
            at_sedang = _fmt(row.get(f"{name}_sedang"), spread.get(f"{name}_sedang"))
            at_tinggi = _fmt(row.get(f"{name}_tinggi"), spread.get(f"{name}_tinggi"))
            rates = f"{name} {at_sedang} | {name} {at_tinggi}"
            lines.append(f"| {key} | {_fmt(row['n'])} | {rates} | {row['description']} |")
    per_indicator = metrics.get("per_indicator", {})
    if per_indicator:
        lines += [
            "",
            "## Per indicator",
            "",
            "Recall over the risky test rows whose labelled indicators include it.",
            "",
            "| indicator | n | recall at sedang | recall at tinggi |",
            "|---|---|---|---|",
        ]
        for key, row in per_indicator.items():
            recall = f"{_fmt(row['recall_sedang'])} | {_fmt(row['recall_tinggi'])}"
            lines.append(f"| `{key}` | {_fmt(row['n'])} | {recall} |")

    lines += ["", "## Real dev files", "", *real_dev_lines(result.get("real_dev") or {})]
    unexplained = metrics.get("unexplained")
    if unexplained:
        lines += [
            "",
            f"Flagged corpus ads without a named reason: {unexplained['n']} of {unexplained['n_flagged']}.",
        ]

    real = result["real_data"]
    lines += ["", "## Real-data false-positive check", ""]
    if real["status"] != "ok":
        lines.append(f"Skipped: {real['note']}.")
    else:
        targets = real["targets"]
        lines += [
            f"`{real['path']}`: {real['n']} real job ads presumed legitimate, never trained on. "
            f"Highest risk {real['risk_max']}, 99th percentile {real['risk_p99']} "
            f"(thresholds: sedang {real['thresholds']['sedang']}, tinggi {real['thresholds']['tinggi']}).",
            "",
            "| tier | flagged | rate | target | met |",
            "|---|---|---|---|---|",
        ]
        for tier, label in (("sedang", "sedang or above"), ("tinggi", "tinggi")):
            rate, target = real[f"rate_{tier}"], targets[f"rate_{tier}"]
            met = "yes" if rate <= target else "**no**"
            lines.append(
                f"| {label} | {real[f'flagged_{tier}']} | {_pct(rate)} | <= {_pct(target)} | {met} |"
            )
        if "by_seed" in real:
            lines += [
                "",
                "Over the seeds: sedang "
                f"{_pct(real['mean']['rate_sedang'])} ± {_pct(real['std']['rate_sedang'])}, tinggi "
                f"{_pct(real['mean']['rate_tinggi'])} ± {_pct(real['std']['rate_tinggi'])} "
                f"(seed {seeds[0]} above and below).",
            ]
        lines += ["", f"### Flagged ads ({len(real.get('flagged', []))})", ""]
        lines += _explained_lines(real.get("flagged", []))

    errors = first["worst_errors"]
    lines += ["", f"## Worst errors (seed {seeds[0]})", "", "### False negatives (lowest risk first)", ""]
    lines += _explained_lines(errors["false_negatives"])
    lines += ["", "### False positives (highest risk first)", ""]
    lines += _explained_lines(errors["false_positives"])
    lines += ["", "## Figures", ""] + [f"![{name}]({name})" for name in figures]
    report = folder / "report.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "result.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return report
