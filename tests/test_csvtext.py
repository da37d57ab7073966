"""csv_text writes exactly what pandas' to_csv(index=False) writes, for every kind of table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.csvtext import csv_text

FLOATS = [0.0, -0.0, 1e16, 1.5e-7, 1 / 3, 2.0**60, np.inf, -np.inf, 5e-324, 1.7976931348623157e308, 0.1 + 0.2]


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"x": FLOATS, "n": range(len(FLOATS)), "word": ["jzplus"] * len(FLOATS)}),
        pd.DataFrame({"ok": [True, False], "u": np.array([1, 2], dtype=np.uint8)}),
        pd.DataFrame({"x": [1.0, np.nan]}),  # missing: pandas writes nothing
        pd.DataFrame({"x": np.array([0.1, 2.5], dtype=np.float32)}),  # float32's own text
        pd.DataFrame({"word": ["a,b", 'say "hi"', "two\nlines", " padded", ""]}),  # quoting
        pd.DataFrame({"a,b": [1]}),  # a header that needs quotes
        pd.DataFrame({"when": pd.to_datetime(["2022-01-01"])}),  # another type
        pd.DataFrame({"x": pd.Series([], dtype=float)}),
    ],
)
def test_the_text_is_pandas_text(frame):
    assert csv_text(frame) == frame.to_csv(index=False)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-(2**62), 2**62),
            st.text(max_size=6),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_any_table_of_numbers_and_words_is_pandas_text(rows):
    frame = pd.DataFrame(rows, columns=["value", "count", "label"])
    assert csv_text(frame) == frame.to_csv(index=False)
