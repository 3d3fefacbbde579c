"""The Python API (``from backprop_cli import grad``): the ``grad`` command's calculation as a
function that returns typed objects and raises typed errors (docs/api.md).

``functions`` holds ``grad``; ``result`` the frozen result objects, made from the ``--json``
document so the two never disagree; ``notebook`` a result's HTML for Jupyter. It sits at the
layer of ``cli_words``: above the commands, whose functions it calls; nothing imports it but
the package's lazy ``__getattr__``.
"""
