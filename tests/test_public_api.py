import screener


def test_public_names_are_exactly_the_curated_ones() -> None:
    assert sorted(screener.__all__) == sorted(
        [
            "Assessment", "CatalogueError", "DataError", "Findings", "IndicatorResult", "InputError",
            "ModelError", "Normalized", "Screener", "ScreenerError", "TopTerm", "TrainedModel", "assess",
            "assess_image",
            "detect", "load_model", "normalize",
        ]
    )  # fmt: skip
    for name in screener.__all__:
        assert hasattr(screener, name)


def test_library_does_not_import_the_service_stack() -> None:
    import subprocess
    import sys

    code = "import sys, screener, screener.cli; print(sorted(m for m in ('fastapi','sqlalchemy','service') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
