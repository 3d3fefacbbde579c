"""The ``mark`` command: marks filled-in worksheets node by node against their answer keys.

``sheets`` reads a student's CSV (BOM, semicolons and comma decimals included), ``numbers``
reads one answer and knows its significant digits, ``marking`` gives each asked cell its
verdict (right, carried, wrong, blank, unreadable), ``recompute`` finds what follows from a
student's own numbers, ``misconceptions`` is the table of known mistakes, ``scoring`` turns
verdicts into points, ``class_report`` makes a class's rows and item analysis, ``writing``
puts a results file in place safely, ``show`` writes tables and JSON, and ``command`` runs it.
It may import every layer below the commands, never another command; ``cli`` imports it.
"""
