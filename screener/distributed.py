"""Beyond one machine: score a dataset partition by partition on a Dask cluster.

``screener score-file ads.parquet --out scored.jsonl --dask tcp://scheduler:8786`` (or ``--dask local``
for a :class:`distributed.LocalCluster` on this machine). The file is read and checked here, exactly as
for a single-process run (:func:`screener.scorefile.iter_batches`), and cut into partitions; each
partition is one task. The model is loaded here once and shipped to every worker once
(``Client.scatter(..., broadcast=True)``); tasks refer to it, so it is not sent again. Results come back
in partition order and are written by :func:`screener.scorefile.format_batch`, as every other engine
does, so the output is byte for byte the single-process output. At most ``2 × worker threads``
partitions are in flight: memory stays bounded whatever the file's size.

The workers need this package installed (``pip install 'tppo-screener[dask]'``), not the model file.
Needs the ``dask`` extra; docs/scaling.md says how to run it on an existing deployment.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from screener.errors import ScreenerError
from screener.runtime import tune_for_bulk_assessment
from screener.scorefile import Batch, format_batch

__all__ = ["DaskError", "DaskScorer", "score_partition"]

LOCAL = "local"


class DaskError(ScreenerError):
    """Dask missing, or the cluster unreachable."""

    status = 503
    code = "dask_unavailable"


def score_partition(screener: Any, batch: Batch) -> list[str]:
    """One task: a partition's JSON lines (``screener`` is the broadcast model)."""
    return format_batch(screener, batch)


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise DaskError(
            "Dask is not installed: pip install 'tppo-screener[dask]'",
            "Dask belum terpasang: pip install 'tppo-screener[dask]'",
        ) from None
    return distributed


class DaskScorer:
    """Scores batches on a Dask cluster: ``address`` is ``tcp://host:port`` or ``local``.

    Parameters
    ----------
    address : str
        The scheduler's address, or ``"local"`` for a LocalCluster of ``local_workers`` processes.
    model : path, optional
        The model to ship (default: the shipped default model).
    connect_timeout : float
        Seconds to wait for the scheduler before giving up with :class:`DaskError`.
    local_workers : int, optional
        Worker processes of a local cluster (default: all cores).
    """

    def __init__(
        self,
        address: str,
        *,
        model: str | Path | None = None,
        connect_timeout: float = 10.0,
        local_workers: int | None = None,
    ) -> None:
        self.address = address
        self.model = model
        self.connect_timeout = connect_timeout
        self.local_workers = local_workers

    def _client(self, distributed: Any) -> tuple[Any, Any]:
        if self.address == LOCAL:
            from screener.parallel import check_jobs

            cluster = distributed.LocalCluster(
                n_workers=check_jobs(self.local_workers),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            client = distributed.Client(cluster, timeout=self.connect_timeout)
            # Worker processes of our own: they get the collector settings the `screener` command's
            # processes have (a remote cluster's workers are someone else's and keep theirs).
            client.run(tune_for_bulk_assessment)
            return client, cluster
        try:
            return distributed.Client(self.address, timeout=self.connect_timeout), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise DaskError(
                f"cannot reach the Dask scheduler at {self.address} within {self.connect_timeout:g} s "
                f"({exc.__class__.__name__}); is it running? (`--dask local` runs a cluster here)",
                f"penjadwal Dask di {self.address} tidak dapat dihubungi dalam {self.connect_timeout:g} "
                "detik; apakah sudah berjalan? (`--dask local` menjalankan klaster di sini)",
            ) from None

    def map(self, batches: Iterable[Batch]) -> Iterator[list[str]]:
        distributed = _import_distributed()
        from screener.assessment import Screener

        client, cluster = self._client(distributed)
        try:
            model = client.scatter(Screener(self.model), broadcast=True)
            threads = sum(client.nthreads().values()) or 1
            window = 2 * threads
            pending: deque[Any] = deque()
            source = iter(batches)
            while True:
                try:
                    batch = next(source)
                except StopIteration:
                    break
                except ScreenerError:
                    while pending:  # a bad record: write what was read before it, then report it
                        yield pending.popleft().result()
                    raise
                pending.append(client.submit(score_partition, model, batch, pure=False))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
