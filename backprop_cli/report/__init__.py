"""The per-node report every output format renders: ``rows`` builds one row per node (values,
gradients, patterns, texts; ``shapes`` and ``arrays`` add what arrays need), ``checks`` the
finite-difference check, expectations and tolerances. It may import ``errors``, ``limits``,
``inputs``, ``rules``, ``language`` and ``engine``; it renders nothing.
"""
