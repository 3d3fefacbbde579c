"""backprop: a command-line gradient calculator for learning, teaching and grading backpropagation."""

__version__ = "0.1.0"
