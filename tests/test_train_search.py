"""The training search's shortcuts: warm-started C paths find the separate fits' optima."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from screener.train import _c_path


@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_warm_started_path_matches_separate_fits(class_weight) -> None:
    rng = np.random.default_rng(0)
    x = sparse.random(400, 30, density=0.2, random_state=1, format="csr")
    w = rng.normal(size=30)
    y = (x @ w + rng.normal(scale=3.0, size=400) > 0).astype(int)
    x_train, y_train, x_test = x[:300], y[:300], x[300:]
    Cs = (1.0, 16.0, 256.0)
    path = _c_path(x_train, y_train, x_test, Cs, 0, class_weight, "decision")
    for C, decision in zip(Cs, path, strict=True):
        alone = LogisticRegression(C=C, class_weight=class_weight, max_iter=3000, random_state=0)
        alone.fit(x_train, y_train)
        # Same convex optimum, reached from another start: equal to the solver's tolerance.
        np.testing.assert_allclose(decision, alone.decision_function(x_test), rtol=1e-2, atol=2e-2)
