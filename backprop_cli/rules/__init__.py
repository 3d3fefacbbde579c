"""The operator table and what is derived from it: one row per operator (``table``), its SymPy
side (``sympy_defs``, ``symbolic``), the helpers the derived code calls (``mathfns`` on floats,
``numpyfns`` on arrays), and code generation (``codegen``, ``codegen_steps``,
``codegen_printers``) that writes ``generated/``. It may import ``errors`` and ``limits`` only;
every layer above reads the table from here.
"""
