"""The ``grad`` command: ``command`` reads the expression and the values, runs the scalar engine
(or, when an input is an array, the array engine), checks and writes the report in the
chosen format. It may import every layer below the commands (``errors`` and
``limits`` up to ``render``), never another command; ``cli`` imports it.
"""
