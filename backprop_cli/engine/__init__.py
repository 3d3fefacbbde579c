"""The engines: forward and backward passes over a staged graph. ``scalar`` runs on floats with
``math`` (no NumPy, so ``grad`` starts fast); ``arrays`` runs on NumPy arrays for vector mode and
``batch`` (``array_compiler``, ``array_steps`` and ``array_rows`` turn a graph into a flat list of
NumPy calls). ``kinks`` holds the kink points and conventions both use, ``finite`` the scan for
non-finite values. It may import ``errors``, ``limits``, ``inputs``, ``rules`` and ``language``.
"""
