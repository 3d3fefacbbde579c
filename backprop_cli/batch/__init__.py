"""The ``batch`` command: one expression over many rows of a CSV or JSON-lines file. ``command``
runs it; ``rows_in`` reads rows, ``input_copy`` copies a stream so it can be read twice,
``layout`` maps columns to inputs and expectations, ``polars_engine`` runs whole files through
Polars and the array engine, ``rowwise`` the row-by-row fallback, ``tally`` counts and grades,
``output`` writes atomically. It may import every layer below the commands, never another
command; ``cli`` imports it.
"""
