"""The size limits of what a user hands over, in one place (docs/reference.md, "Limits").

Each keeps a hostile or mistaken input from exhausting memory or time; past each,
the command refuses with exit 2 and one line naming the limit. They sit far above
what the SPEC asks to work (200,000-node expressions are about 1 MB of text).
"""

# Bytes of an expression, a program or a --bindings file (also characters of an
# expression given as text): 16 MB holds a 200,000-node expression with 80-character names.
MAX_INPUT_BYTES = 16_000_000

# Operator signs (+ - * / ^ @) and opening parentheses of a program: an upper
# bound of its nodes, counted before any parsing. 2,000,000 nodes take about 1 GB
# and 10 s on a 2-core machine.
MAX_OPERATORS = 2_000_000
