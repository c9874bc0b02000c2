"""The real dev files: how the model does on real texts nobody on the team wrote.

``../shared/data`` (by default; ``--real-dev DIR``) holds real texts for *measuring* only: fake
vacancies fact-checked as hoaxes, posts about scams, official placement notices and ordinary job-board
ads. They are never trained on. For each file present, the check reports the share flagged (tier
``sedang`` or above, as an officer sees it: texts judged not to be offers are never flagged), the
share at ``tinggi``, the share judged not an offer, and the flagged texts without a named reason.
Missing files are reported as skipped, so the check runs anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screener.assessment import Screener
from screener.datasets import iter_records
from screener.errors import DataError
from screener.model import TrainedModel
from screener.vocabulary import Scope, Tier

__all__ = [
    "REAL_DEV_FILES",
    "RealFile",
    "card_figures",
    "combine_real_dev",
    "real_dev_check",
    "real_dev_lines",
]


@dataclass(frozen=True, slots=True)
class RealFile:
    key: str
    path: str  # relative to the real-data folder
    what: str
    risky: bool  # True: every text should be flagged; False: none should
    target: float  # at least this share flagged (risky) or at most this share (safe)


REAL_DEV_FILES = (
    RealFile("scam_ads", "real-id-dev/scam_ads.jsonl", "fake vacancies (fact-checked hoaxes)", True, 0.90),
    RealFile("awareness", "real-id-dev/awareness.jsonl", "posts about scams, warnings, news", False, 0.02),
    RealFile("legit_overseas", "real-id-dev/legit_overseas.jsonl", "official placement notices", False, 0.05),
    RealFile("job_ads", "real-id-jobs/lokerid_dev.jsonl", "ordinary job-board ads", False, 0.01),
)


def _texts(path: Path) -> tuple[list[str], list[str]]:
    ids: list[str] = []
    texts: list[str] = []
    for number, record in iter_records(path):
        if isinstance(record, DataError):
            continue
        ids.append(str(record.get("id", number)))
        texts.append(record["text"])
    return ids, texts


def real_dev_check(
    model: TrainedModel | Screener, root: str | Path | None, *, explain: int = 10
) -> dict[str, Any]:
    """Flagged shares per real dev file under ``root`` (``{"status": "skipped"}`` when absent).

    ``explain`` worst errors per file (missed fake vacancies, flagged safe texts) are listed with an
    excerpt and the summary the officer would read.
    """
    if root is None or not Path(root).is_dir():
        return {"status": "skipped", "path": None if root is None else str(root), "files": {}}
    screener = model if isinstance(model, Screener) else Screener(model)
    files: dict[str, Any] = {}
    for spec in REAL_DEV_FILES:
        path = Path(root) / spec.path
        if not path.is_file():
            files[spec.key] = {"status": "skipped", "path": spec.path, "what": spec.what}
            continue
        ids, texts = _texts(path)
        assessments = screener.assess_many(texts)
        flagged = [a.tier != Tier.RENDAH for a in assessments]
        n = len(texts)
        rate = sum(flagged) / n if n else 0.0
        wrong = [i for i, f in enumerate(flagged) if f != spec.risky]
        wrong.sort(key=lambda i: -assessments[i].risk if not spec.risky else assessments[i].risk)
        files[spec.key] = {
            "status": "ok",
            "path": spec.path,
            "what": spec.what,
            "n": n,
            "flagged": sum(flagged),
            "rate_flagged": round(rate, 4),
            "rate_tinggi": round(sum(a.tier == Tier.TINGGI for a in assessments) / n, 4) if n else 0.0,
            "rate_not_offer": round(sum(a.scope == Scope.NOT_OFFER for a in assessments) / n, 4)
            if n
            else 0.0,
            "unexplained": sum(a.unexplained for a in assessments),
            "target": {"min_flagged" if spec.risky else "max_flagged": spec.target},
            "meets_target": bool(n) and (rate >= spec.target if spec.risky else rate <= spec.target),
            "errors": [
                {
                    "id": ids[i],
                    "tier": assessments[i].tier,
                    "score": assessments[i].score,
                    "scope": assessments[i].scope,
                    "indicators": assessments[i].indicator_ids,
                    "summary": assessments[i].summary,
                    "excerpt": texts[i][:160],
                }
                for i in wrong[:explain]
            ],
        }
    return {"status": "ok", "path": str(root), "files": files}


def combine_real_dev(runs: list[dict[str, Any]], seeds: list[int]) -> dict[str, Any]:
    """The first run's check, with every file's flagged share per seed and their mean when there are
    several runs (one model per seed)."""
    if not runs:
        return {"status": "skipped", "path": None, "files": {}}
    combined = {**runs[0], "files": {k: dict(v) for k, v in runs[0]["files"].items()}}
    if len(runs) > 1 and combined["status"] == "ok":
        for key, row in combined["files"].items():
            if row["status"] != "ok":
                continue
            rates = [run["files"][key]["rate_flagged"] for run in runs]
            row["by_seed"] = [{"seed": s, "rate_flagged": r} for s, r in zip(seeds, rates, strict=True)]
            row["rate_flagged_mean"] = round(sum(rates) / len(rates), 4)
    return combined


def real_dev_lines(real_dev: dict[str, Any]) -> list[str]:
    """The report's table of real dev figures."""
    if real_dev.get("status") != "ok":
        return ["Skipped: no real dev folder (`--real-dev DIR`, default `../shared/data`)."]
    lines = [
        f"`{real_dev['path']}`: real texts nobody on the team wrote, never trained on. Flagged = tier "
        "`sedang` or above, as an officer sees it (texts judged not to be offers are never flagged).",
        "",
        "| file | what | n | flagged | tinggi | not an offer | unexplained flags | target | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key, row in real_dev["files"].items():
        if row["status"] != "ok":
            lines.append(f"| {key} | {row['what']} | - | skipped | | | | | |")
            continue
        ((kind, target),) = row["target"].items()
        bound = f">= {target:.0%}" if kind == "min_flagged" else f"<= {target:.0%}"
        mean = f" (mean over seeds {row['rate_flagged_mean']:.1%})" if "rate_flagged_mean" in row else ""
        lines.append(
            f"| {key} | {row['what']} | {row['n']} | {row['rate_flagged']:.1%}{mean} | {row['rate_tinggi']:.1%} | "
            f"{row['rate_not_offer']:.1%} | {row['unexplained']} | {bound} | {'yes' if row['meets_target'] else '**no**'} |"
        )
    return lines


def card_figures(real_dev: dict[str, Any]) -> dict[str, Any]:
    """The figures a model card keeps: rates per file, no texts (the real files are not ours to copy)."""
    keep = (
        "n",
        "flagged",
        "rate_flagged",
        "rate_tinggi",
        "rate_not_offer",
        "unexplained",
        "target",
        "meets_target",
    )
    return {
        key: {k: row[k] for k in keep} if row.get("status") == "ok" else {"status": "skipped"}
        for key, row in (real_dev.get("files") or {}).items()
    }
