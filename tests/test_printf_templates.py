"""render.printf: a str.format template made into printf text gives the same text, for every field kind used."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backprop_cli.render.printf import printf

TEMPLATES = [
    '{{"name": "{0}", "value": {1!r}, "edges": [{{"local": {1!r}}}]}}',
    "{0:<8}  {1:>10.6g}  {2:>9.3g}  {3}",
    "{2:.6g} = {0} % {1}",  # a literal % is doubled
    "no fields at all",
    "{0}",
]


@pytest.mark.parametrize("template", TEMPLATES)
@given(a=st.text(max_size=12), number=st.floats(allow_nan=True, allow_infinity=True), other=st.floats(width=32))
def test_printf_text_is_the_format_text(template, a, number, other):
    row = (a, number, other, a[::-1])
    text, fields = printf(template)
    assert text % fields(row) == template.format(*row)


@pytest.mark.parametrize("template", ["{0:8}", "{0.shape}", "{0:x}", "{"])
def test_unsupported_fields_are_refused_not_misread(template):
    with pytest.raises(ValueError):
        printf(template)
