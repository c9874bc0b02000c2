"""The models folder: which model is current, and promoting a candidate into it.

The current model is only ever the promoted one: the artefact ``models/DEFAULT`` names, or, before
any promotion, the shipped model ``models/SHIPPED`` names (:func:`screener.model.default_model_path`).
A model trained or copied into ``models/`` is not used until promoted.

:func:`promote` takes a candidate from anywhere:

1. loads it (its card's sha256 must match) and refuses the current model itself (same file or same
   artefact sha256: there is nothing to compare);
2. refuses a candidate whose card does not say it excluded the frozen evaluation split
   (:mod:`screener.holdout`), since its figures there would be in-sample;
3. measures both models on that split (:func:`screener.holdout.holdout_dataset`) and on the real dev
   files (skipped when ``../shared/data`` is absent) and applies :func:`screener.promotion.decide`:
   a regression is refused, naming the metric and both figures;
4. copies the candidate and its card into ``models/`` (refusing to overwrite a different model of the
   same name) and rewrites ``models/DEFAULT`` atomically; the service reloads it.

``force`` promotes despite a regression or a missing holdout claim (the reasons stay in the result).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from screener import holdout as holdout_module
from screener import paths, promotion
from screener.errors import ModelError
from screener.model import POINTER_NAME, default_model_path, load_model

__all__ = ["Promotion", "promote"]


@dataclass(frozen=True)
class Promotion:
    """The outcome of :func:`promote`: the decision, and where the models are."""

    decision: promotion.Decision
    current: Path
    candidate: Path  # the candidate as given
    installed: Path | None  # the candidate's artefact in the models folder, when promoted
    evaluated_on: str
    warnings: tuple[str, ...] = ()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _install(candidate: Path, folder: Path) -> Path:
    """The candidate's artefact and card copied into ``folder`` (kept when already there)."""
    target = folder / candidate.name
    if candidate.resolve() == target.resolve():
        return target
    for source in (candidate, candidate.with_suffix(".json")):
        destination = folder / source.name
        if destination.exists() and _sha256(destination) != _sha256(source):
            raise ModelError(
                f"{destination} already exists and is a different file; rename the candidate",
                f"{destination} sudah ada dan berbeda isinya; ganti nama kandidat",
            )
    for source in (candidate, candidate.with_suffix(".json")):  # the card last: it names the artefact
        temporary = folder / f".{source.name}.tmp"
        shutil.copyfile(source, temporary)
        os.replace(temporary, folder / source.name)
    return target


def promote(
    candidate: str | Path,
    *,
    models_dir: str | Path | None = None,
    data: str | Path | None = None,
    holdout: str | Path | None = None,
    real_dev: str | Path | None = None,
    tolerance: float = promotion.DEFAULT_TOLERANCE,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> Promotion:
    """Compare ``candidate`` with the current model and promote it unless it regresses.

    Parameters
    ----------
    candidate : str or Path
        The candidate's ``.joblib`` (or its ``.json`` card), anywhere.
    models_dir : str or Path, optional
        The models folder; by default :func:`screener.paths.models_dir`.
    data : str or Path, optional
        Corpus-format data to compare on instead of the frozen split (the caller then vouches that
        neither model trained on it).
    holdout : str or Path, optional
        The holdout file; by default ``holdout.txt`` in the models folder.
    real_dev : str or Path, optional
        The real dev files' folder (default ``../shared/data``; skipped when absent).
    tolerance : float
        Drop allowed on each compared metric.
    force : bool
        Promote despite objections (they stay in the decision and in ``warnings``).
    log : callable
        Receives one line per model measured.

    Returns
    -------
    Promotion
        ``decision.promote`` false: nothing was written.

    Raises
    ------
    ModelError
        The candidate is missing, tampered with, the current model itself, or clashes by name.
    """
    folder = Path(models_dir) if models_dir is not None else paths.models_dir()
    path = Path(candidate)
    path = path.with_suffix(".joblib") if path.suffix == ".json" else path
    new = load_model(path)  # checks the card and the artefact's sha256
    current_path = default_model_path(folder)
    current = load_model(current_path)
    if path.resolve() == current_path.resolve() or (
        new.card.get("artefact_sha256") == current.card.get("artefact_sha256")
    ):
        raise ModelError(
            f"{path.name} is already the current model ({current_path.name}): nothing to compare",
            f"{path.name} sudah menjadi model bawaan ({current_path.name}): tidak ada yang dibandingkan",
        )
    warnings: list[str] = []
    reasons: list[promotion.Reason] = []
    if data is None:
        split = holdout_module.load_holdout(
            holdout if holdout is not None else folder / holdout_module.HOLDOUT_NAME
        )
        dataset = holdout_module.holdout_dataset(split)
        evaluated_on = f"holdout {split.path.name} ({len(dataset)} rows, {len(split.groups)} groups)"
        if not holdout_module.excluded_by(new.card, split):
            text = (
                f"{path.name} did not exclude {split.path.name} from training: its figures would be in-sample"
            )
            reasons.append(
                promotion.Reason(
                    "holdout",
                    text,
                    f"{path.name} tidak mengecualikan {split.path.name} saat dilatih: angkanya tidak jujur",
                )
            )
        if not holdout_module.excluded_by(current.card, split):
            warnings.append(
                f"the current model {current_path.name} was trained on the holdout: its figures are optimistic"
            )
    else:
        dataset = None
        evaluated_on = str(data)
    measured = {}
    for name, model_path in (("current", current_path), ("candidate", path)):
        measured[name] = promotion.measure(model_path, data=data, dataset=dataset, real_dev=real_dev)
        log(f"{name:9} {model_path.name}: {measured[name].summary()}")
    decision = promotion.decide(
        measured["current"], measured["candidate"], checks=promotion.default_checks(tolerance=tolerance)
    )
    every = tuple(reasons) + decision.reasons
    decision = promotion.Decision(
        promote=force or not every,
        current=decision.current,
        candidate=decision.candidate,
        reasons=every,
        forced=force and bool(every),
    )
    if decision.forced:
        warnings.extend(f"forced past: {reason.message}" for reason in every)
    if not decision.promote:
        return Promotion(decision, current_path, path, None, evaluated_on, tuple(warnings))
    installed = _install(path, folder)
    pointer = folder / POINTER_NAME
    temporary = pointer.with_suffix(".tmp")
    temporary.write_text(installed.name + "\n", encoding="utf-8")
    os.replace(temporary, pointer)  # atomic: the service never reads half a pointer
    return Promotion(decision, current_path, path, installed, evaluated_on, tuple(warnings))
