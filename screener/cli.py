"""The ``screener`` command line: a thin shell over the library.

Folders left out on the command line get the library's defaults (:mod:`screener.paths`: ``models/``,
``datasets/corpus/`` and ``reports/evaluation/`` under the project root). The CLI, not the library,
reads ``SCREENER_REAL_DATA``: the real-data file when ``--real-data`` is not given.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from screener.cli_report import print_image_source, print_report
from screener.errors import ScreenerError
from screener.runtime import tune_for_bulk_assessment

# The real-data file for `evaluate` (and the card's check in `train`) when --real-data is not given.
REAL_DATA_ENV = "SCREENER_REAL_DATA"


def _read_text(arg: str) -> str:
    if arg != "-":
        return arg
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScreenerError("standard input is not valid UTF-8", "masukan bukan UTF-8 yang sah") from exc


def real_data_option(value: str | None) -> str | None:
    """``--real-data``, else ``SCREENER_REAL_DATA``, else None (the library's default file)."""
    return value or os.environ.get(REAL_DATA_ENV) or None


def cmd_score(args: argparse.Namespace) -> int:
    from screener.assessment import Screener

    screener = Screener(args.model)
    if args.image is not None:
        from screener.ocr.assess import assess_image

        caption = _read_text(args.text) if args.text is not None else None
        assessment = assess_image(args.image, caption, screener=screener)
    elif args.text is None:
        raise ScreenerError("give the ad text or --image FILE", "berikan teks iklan atau --image BERKAS")
    else:
        assessment = screener.assess(_read_text(args.text))
    if args.json:
        print(json.dumps(assessment.to_dict(), ensure_ascii=False, indent=2))
    else:
        colour = args.color == "always" or (
            args.color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        )
        print_report(assessment, colour, sys.stdout)
        if assessment.source is not None and assessment.source.get("kind") == "image":
            print_image_source(assessment.source, sys.stdout)
    return 0


class _Progress:
    """A one-line progress report on stderr (only when it is a terminal, or when forced)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.perf_counter()
        self.last = 0.0

    def update(self, done: int, errors: int, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not final and now - self.last < 0.5:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        end = "\n" if final else "\r"
        print(
            f"  {done:,} iklan / ads, {errors} galat / errors, {rate:,.0f} iklan/s", end=end, file=sys.stderr
        )


def _scorer(args: argparse.Namespace) -> Any:
    """The engine `score-file` scores with: a Dask cluster, a process pool, or this process."""
    from screener.parallel import PoolScorer, check_jobs

    jobs = check_jobs(args.jobs)
    if args.dask:
        from screener.distributed import DaskScorer

        # --jobs sizes a local cluster; a remote cluster has the workers it has.
        return DaskScorer(args.dask, model=args.model, connect_timeout=args.dask_timeout, local_workers=jobs)
    return PoolScorer(args.model, jobs=jobs)


def cmd_score_file(args: argparse.Namespace) -> int:
    from screener.errors import DataError
    from screener.scorefile import RecordError, iter_batches

    scorer = _scorer(args)  # refuses a bad --jobs before anything is read or written
    errors: list[tuple[int, str]] = []
    progress = _Progress(args.progress or sys.stderr.isatty())
    done = 0
    out_path = Path(args.out)
    batches = iter_batches(
        args.path,
        text_column=args.text_column,
        id_column=args.id_column,
        batch_size=args.batch_size,
        skip_errors=args.skip_errors,
        errors=errors,
    )
    with out_path.open("w", encoding="utf-8") as out:
        try:
            for lines in scorer.map(batches):
                out.writelines(line + "\n" for line in lines)
                done += len(lines)
                progress.update(done, len(errors))
        except RecordError as exc:
            if not exc.count_written:
                raise
            out.flush()
            raise DataError(
                f"{exc.message} ({done} ads written to {out_path})",
                f"{exc.message_id} ({done} iklan sudah ditulis ke {out_path})",
            ) from None
    progress.update(done, len(errors), final=True)
    if errors:
        print(f"{len(errors)} baris dilewati / records skipped:", file=sys.stderr)
        for number, message in errors:
            print(f"  baris/line {number}: {message}", file=sys.stderr)
    print(f"{done} iklan dinilai -> {out_path} / {done} ads scored", file=sys.stderr)
    return 0


def cmd_indicators(args: argparse.Namespace) -> int:
    from screener.catalogue import catalogue

    indicators = catalogue()
    if args.json:
        rows = []
        for ind in indicators:
            row = ind.to_dict()
            row["patterns"] = list(ind.patterns)
            row["examples_positive"] = list(ind.examples_positive)
            row["examples_negative"] = list(ind.examples_negative)
            rows.append(row)
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{'id':<28} {'w':>5} {'lvl':<3} nama / name")
    for ind in indicators:
        print(f"{ind.id:<28} {ind.weight:>5.1f} {ind.level:<3} {ind.name_id} / {ind.name_en}")
    print(f"\n{len(indicators)} indikator / indicators")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from screener import holdout as holdout_module
    from screener.datasets import load_corpus, load_labelled
    from screener.model import save_model
    from screener.train import TrainSettings, train

    dataset = (
        load_corpus(args.data) if args.data is None or Path(args.data).is_dir() else load_labelled(args.data)
    )
    # The frozen evaluation split leaves before anything else happens; --extra rows join afterwards,
    # so they can never enter it.
    holdout = holdout_module.load_holdout(args.holdout)
    dataset, held = holdout_module.split_holdout(dataset, holdout)
    print(
        f"{len(held)} baris holdout tidak dilatih / holdout rows left out ({holdout.path.name})",
        file=sys.stderr,
    )
    if args.extra:
        dataset = dataset.concat(load_corpus(args.extra))
    settings = TrainSettings(
        seed=args.seed,
        tinggi_precision=args.tinggi_precision,
        sedang_recall=args.sedang_recall,
        version=args.version,
    )
    print(f"Melatih pada {len(dataset)} iklan / training on {len(dataset)} ads ...", file=sys.stderr)
    model = train(dataset, settings)
    if not args.no_evaluate:
        # The card's headline figures are exactly what `screener evaluate --split grouped --seed N`
        # prints for this data: a model trained the same way on 80% of the groups, scored on the rest.
        from screener.evaluate import run_evaluate
        from screener.evaluate.real_dev import card_figures

        print("Evaluasi (split grouped 80/20) / held-out evaluation ...", file=sys.stderr)
        started = time.perf_counter()
        result = run_evaluate(
            dataset=dataset,
            split="grouped",
            seed=args.seed,
            report_dir=None,
            real_data=real_data_option(None),
            real_dev=args.real_dev or None,
        )
        metrics = {k: v for k, v in result["metrics"].items() if k != "worst_errors"}
        model.card["metrics"] = {
            "method": f"grouped 80/20 split, seed {args.seed}: `screener evaluate --split grouped --seed {args.seed}`",
            **metrics,
        }
        real = result.get("real_data") or {}
        model.card["real_data"] = {k: v for k, v in real.items() if k not in ("flagged", "path")}
        model.card["real_dev"] = {
            "method": "flagged shares (tier sedang or above) of the model trained on the 80% split, "
            "`screener evaluate --split grouped`; files in ../shared/data, never trained on",
            **card_figures(result.get("real_dev") or {}),
        }
        model.card["evaluation_seconds"] = round(time.perf_counter() - started, 1)
    model.card["holdout"] = holdout_module.card_entry(holdout, len(held))
    path = save_model(model, args.out)
    print(
        f"Belum dipakai sampai dipromosikan / not used until promoted: screener models promote {path}",
        file=sys.stderr,
    )
    summary = model.card.get("metrics") or model.card["cv_metrics"]
    keys = ("precision", "recall", "f1", "pr_auc", "roc_auc", "brier", "ece")
    print(json.dumps({"model": str(path), "thresholds": model.card["thresholds"],
                      "metrics": {k: summary[k] for k in keys},
                      "training_seconds": model.card["training_seconds"],
                      "evaluation_seconds": model.card.get("evaluation_seconds")}, indent=2))  # fmt: skip
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from screener.evaluate import run_evaluate

    grid = []
    for point in args.grid or ():
        try:
            c, scale = point.split(":")
            grid.append((float(c), float(scale)))
        except ValueError:
            raise ScreenerError(
                f"--grid expects C:modus_scale such as 4:1, got {point!r}",
                f"--grid harus berbentuk C:modus_scale, misalnya 4:1, bukan {point!r}",
            ) from None
    from screener.paths import DEFAULT, UseDefault

    report_dir: Path | UseDefault | None = DEFAULT  # reports/evaluation/ in the project
    if args.no_report:
        report_dir = None
    elif args.report:
        report_dir = Path(args.report)
    result = run_evaluate(
        data=args.data,
        data_format=args.format,
        model_path=args.model,
        split=args.split,
        seed=args.seed,
        repeats=args.repeats,
        report_dir=report_dir,
        real_data=False if args.no_real_data else real_data_option(args.real_data),
        real_dev=False if args.no_real_dev else (args.real_dev or None),
        grid=tuple(grid) or None,
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        metrics = result["metrics"]
        spread = result.get("metrics_std", {})
        seeds = result["seeds"]
        if len(seeds) > 1:
            print(f"mean ± std over seeds {seeds[0]}..{seeds[-1]}")
        for key in ("precision", "recall", "f1", "pr_auc", "roc_auc", "brier", "ece", "n_train", "n_test"):
            value = f"{metrics.get(key)}" + (f" ± {spread[key]}" if key in spread else "")
            print(f"{key:>10}: {value}")
        for key, row in metrics.get("per_category", {}).items():
            if not row["label"]:
                rates = f"sedang {row['fpr_sedang']}, tinggi {row['fpr_tinggi']}"
                print(f"{'fpr':>10}: {key}: {rates} (n={row['n']})")
        real = result["real_data"]
        if real["status"] == "ok":
            print(
                f" real data: {real['flagged_sedang']}/{real['n']} flagged at sedang+ "
                f"({real['rate_sedang']:.2%}), {real['flagged_tinggi']} at tinggi ({real['rate_tinggi']:.2%})"
            )
        else:
            print(f" real data: skipped ({real['note']})")
        for key, row in (result.get("real_dev") or {}).get("files", {}).items():
            if row["status"] == "ok":
                met = "ok" if row["meets_target"] else "MISSED"
                print(
                    f"  real dev: {key}: {row['flagged']}/{row['n']} flagged ({row['rate_flagged']:.1%}), "
                    f"target {next(iter(row['target'].values())):.0%} {met}, unexplained {row['unexplained']}"
                )
        if result.get("report"):
            print(f"laporan / report: {result['report']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="screener",
        description="Menyaring iklan lowongan untuk pola TPPO/TPPM. / Screens recruitment ads for trafficking patterns.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("score", help="menilai satu iklan / score one ad")
    p.add_argument(
        "text",
        nargs="?",
        help="teks iklan, atau - untuk stdin (dengan --image: keterangan gambar) / the ad text, or - for "
        "stdin (with --image: the image's caption)",
    )
    p.add_argument(
        "--json", action="store_true", help="cetak Assessment sebagai JSON / print the Assessment as JSON"
    )
    p.add_argument(
        "--image",
        default=None,
        metavar="FILE",
        help="poster atau tangkapan layar (PNG/JPEG/WebP), dibaca dengan OCR / a poster or screenshot, read by OCR",
    )
    p.add_argument("--model", default=None, help="jalur model .joblib / model path (default: shipped model)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser(
        "score-file", help="menilai file JSONL/CSV/Parquet / score a JSONL, CSV or Parquet file"
    )
    p.add_argument("path")
    p.add_argument("--out", required=True, help="file JSONL keluaran / output JSONL")
    p.add_argument("--text-column", default="text")
    p.add_argument("--id-column", default="id")
    p.add_argument(
        "--skip-errors", action="store_true", help="lewati baris rusak, laporkan di akhir / skip bad records"
    )
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--progress", action="store_true", help="selalu tampilkan progres / always show progress")
    p.add_argument("--model", default=None)
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="proses penilai / scoring processes (default: all cores; 1 = this process only)",
    )
    p.add_argument(
        "--dask",
        default=None,
        metavar="ADDRESS",
        help="nilai di klaster Dask / score on a Dask cluster: tcp://host:8786, or `local` for a "
        "LocalCluster on this machine (needs the `dask` extra)",
    )
    p.add_argument(
        "--dask-timeout",
        type=float,
        default=10.0,
        help="batas waktu sambung ke Dask / seconds to wait for the Dask scheduler (default 10)",
    )
    p.set_defaults(func=cmd_score_file)

    p = sub.add_parser("indicators", help="katalog indikator / the indicator catalogue")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("train", help="melatih model / train a model")
    p.add_argument("--data", default=None, help="korpus (folder JSONL) / corpus folder or labelled file")
    p.add_argument("--extra", default=None, help="data tambahan berformat korpus / extra corpus-format rows")
    p.add_argument(
        "--out",
        default=None,
        help="folder tujuan model + kartunya / folder to write the model and its card to (default: "
        "models/ in the project); the model is used only after `screener models promote`",
    )
    p.add_argument(
        "--holdout",
        default=None,
        help="berkas grup holdout yang tidak dilatih / the frozen evaluation split, never trained on "
        "(default: models/holdout.txt)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--version", default=None)
    p.add_argument("--tinggi-precision", type=float, default=0.97)
    p.add_argument("--sedang-recall", type=float, default=0.99)
    p.add_argument(
        "--no-evaluate",
        action="store_true",
        help="lewati evaluasi held-out untuk kartu / skip the held-out evaluation for the card",
    )
    p.add_argument(
        "--real-dev", default=None, help="folder of real dev files for the card (default: ../shared/data)"
    )
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="evaluasi / evaluate")
    p.add_argument("--data", default=None, help="data berlabel / labelled data (default: the corpus)")
    p.add_argument("--format", default="corpus", choices=("corpus", "emscad", "csv", "jsonl"))
    p.add_argument(
        "--model",
        default=None,
        help="evaluasi model yang ada tanpa melatih / evaluate this model, no training",
    )
    p.add_argument("--split", default="grouped", choices=("grouped", "stratified"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--report",
        default=None,
        help="folder laporan Markdown + PNG / report folder (default: reports/evaluation/ in the project)",
    )
    p.add_argument("--no-report", action="store_true")
    p.add_argument(
        "--real-data",
        default=None,
        help="real job ads for the false-positive check (default: $SCREENER_REAL_DATA, else "
        "../shared/data/real-id-jobs/lokerid_dev.jsonl beside the project)",
    )
    p.add_argument("--no-real-data", action="store_true")
    p.add_argument(
        "--real-dev",
        default=None,
        help="folder of real dev files to measure on (default: ../shared/data beside the project; "
        "skipped when absent) / real dev files folder",
    )
    p.add_argument("--no-real-dev", action="store_true")
    p.add_argument("--repeats", type=int, default=1, help="seeds seed..seed+N-1; report mean and std")
    p.add_argument(
        "--grid",
        action="append",
        default=None,
        metavar="C:SCALE",
        help="hyper-parameter point to try, e.g. 4:1 (repeatable; default: the full grid)",
    )
    p.set_defaults(func=cmd_evaluate)

    # Other packages add commands (the service adds `serve`, `keys`, ...) through an entry point, so
    # this library never imports them: group "screener.commands", each a callable(subparsers).
    for entry_point in entry_points(group="screener.commands"):
        entry_point.load()(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Tesseract (OCR of pictures, also under `screener serve`) starts OpenMP threads per call, which
    # fight over the few cores; one thread each was 2.3x faster on the 2-core machine (docs/ocr.md).
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    tune_for_bulk_assessment()  # inherited by score-file's forked pool
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ScreenerError as exc:
        print(f"galat / error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
