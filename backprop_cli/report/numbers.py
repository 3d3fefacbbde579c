"""How a number is written where JSON has no inf or nan: the strings "inf", "-inf", "nan".

One rule for ``--json`` (numbers and arrays) and batch's JSON Lines; strict parsers
such as jq accept the document.
"""

from __future__ import annotations

import math


def json_number(value: float):
    """A float as JSON allows it."""
    value = float(value)
    if value - value == 0.0:  # finite (inf - inf and nan - nan are nan)
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
