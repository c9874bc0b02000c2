"""Pre-optimisation implementations, kept test-only as oracles.

Each module here is the code as it was before the speed work of issue 15 ("performance"). The tests
in ``tests/test_same_output.py`` run these next to the library and require identical results; the
benchmark ``bench/bench_detect.py`` times them side by side. They are not maintained for speed.
"""
