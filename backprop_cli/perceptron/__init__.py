"""``backprop perceptron``: the chapter before backprop (issue #16, docs/perceptron.md).

``gates`` the truth tables, ``unit`` the threshold unit (w·x > θ fires), ``learning`` the
perceptron learning rule, ``region`` the (w1, w2) that implement a gate (exact, and drawn),
``layers`` the two-layer XOR, ``collapse`` two linear layers against their product, ``text``
the lines a person reads, ``plot`` the PNG, ``command`` a request run end to end. Weights
and thresholds are exact fractions of the decimals typed, so 0.4 + 0.2 > 0.5 is decided
exactly, not by floating-point rounding.
"""
