"""Code written by ``python -m backprop_cli.rules.codegen`` from the operator table: never edit it
by hand (``--check`` and ``tests/test_rules.py`` fail while it is stale). ``derived`` is on
``math`` for the scalar engine, ``derived_numpy`` on NumPy for the array engine.
"""
