"""The expression language: the lexer, the parser (text to a tree, operators and functions read
from the operator table), programs of several statements, and ``graph`` (staging the tree into
the computation graph the engines run). It may import ``errors``, ``limits``, ``inputs`` and
``rules``.
"""
