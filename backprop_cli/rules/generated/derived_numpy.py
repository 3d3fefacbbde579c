"""The rules of ``rules/generated/derived.py`` on NumPy arrays, for ``batch``. Generated: do not edit.

Regenerate with ``python -m backprop_cli.rules.codegen``. Imported only by ``batch``, so
that ``grad`` never pays for NumPy.
"""
# ruff: noqa
import numpy

from ..numpyfns import sigmoid, softplus

FINGERPRINT = '19e9bef3a35d2350'


FORWARD = {
    'add': lambda ARG0, ARG1: ARG0 + ARG1,
    'sub': lambda ARG0, ARG1: ARG0 - ARG1,
    'mul': lambda ARG0, ARG1: ARG0*ARG1,
    'div': lambda ARG0, ARG1: ARG0/ARG1,
    'pow': lambda ARG0, ARG1: ARG0**ARG1,
    'neg': lambda ARG0: -ARG0,
    'exp': lambda ARG0: numpy.exp(ARG0),
    'log': lambda ARG0: numpy.log(ARG0),
    'sqrt': lambda ARG0: numpy.sqrt(ARG0),
    'sin': lambda ARG0: numpy.sin(ARG0),
    'cos': lambda ARG0: numpy.cos(ARG0),
    'tan': lambda ARG0: numpy.tan(ARG0),
    'tanh': lambda ARG0: numpy.tanh(ARG0),
    'sigmoid': lambda ARG0: sigmoid(ARG0),
    'softplus': lambda ARG0: softplus(ARG0),
    'relu': lambda ARG0: numpy.maximum(0, ARG0),
    'leaky_relu': lambda ARG0, ARG1: ARG1*numpy.minimum(0, ARG0) + numpy.maximum(0, ARG0),
    'elu': lambda ARG0, ARG1: ARG1*(numpy.exp(numpy.minimum(0, ARG0)) - 1) + numpy.maximum(0, ARG0),
    'abs': lambda ARG0: abs(ARG0),
}

PARTIALS = {
    'add': (lambda ARG0, ARG1, OUT: 1, lambda ARG0, ARG1, OUT: 1,),
    'sub': (lambda ARG0, ARG1, OUT: 1, lambda ARG0, ARG1, OUT: -1,),
    'mul': (lambda ARG0, ARG1, OUT: ARG1, lambda ARG0, ARG1, OUT: ARG0,),
    'div': (lambda ARG0, ARG1, OUT: ARG1**(-1.0), lambda ARG0, ARG1, OUT: -OUT/ARG1,),
    'pow': (lambda ARG0, ARG1, OUT: ARG0**(ARG1 - 1)*ARG1, lambda ARG0, ARG1, OUT: OUT*numpy.log(ARG0),),
    'neg': (lambda ARG0, OUT: -1,),
    'exp': (lambda ARG0, OUT: OUT,),
    'log': (lambda ARG0, OUT: ARG0**(-1.0),),
    'sqrt': (lambda ARG0, OUT: (1/2)/OUT,),
    'sin': (lambda ARG0, OUT: numpy.cos(ARG0),),
    'cos': (lambda ARG0, OUT: -numpy.sin(ARG0),),
    'tan': (lambda ARG0, OUT: OUT**2 + 1,),
    'tanh': (lambda ARG0, OUT: 1 - OUT**2,),
    'sigmoid': (lambda ARG0, OUT: OUT*(1 - OUT),),
    'softplus': (lambda ARG0, OUT: sigmoid(ARG0),),
    'relu': (lambda ARG0, OUT: numpy.heaviside(ARG0, 0.5),),
    'leaky_relu': (lambda ARG0, ARG1, OUT: ARG1*numpy.heaviside(-ARG0, 0.5) + numpy.heaviside(ARG0, 0.5), lambda ARG0, ARG1, OUT: numpy.minimum(0, ARG0),),
    'elu': (lambda ARG0, ARG1, OUT: ARG1*numpy.exp(numpy.minimum(0, ARG0))*numpy.heaviside(-ARG0, 0.5) + numpy.heaviside(ARG0, 0.5), lambda ARG0, ARG1, OUT: numpy.exp(numpy.minimum(0, ARG0)) - 1,),
    'abs': (lambda ARG0, OUT: numpy.sign(ARG0),),
}

# The same rules as recipes of NumPy calls for batch's compiled rows (rules/codegen_steps.py):
# (steps, result). Step K, (function, operand, ...), writes buffer 'tK'; an operand is
# an input 'a0', 'a1', the node's value 'out', an earlier 'tK' or a float.
ROW_FORWARD = {
    'add': (((numpy.add, 'a0', 'a1'), ), 't0'),
    'sub': (((numpy.subtract, 'a0', 'a1'), ), 't0'),
    'mul': (((numpy.multiply, 'a0', 'a1'), ), 't0'),
    'div': (((numpy.divide, 'a0', 'a1'), ), 't0'),
    'pow': (((numpy.power, 'a0', 'a1'), ), 't0'),
    'neg': (((numpy.negative, 'a0'), ), 't0'),
    'exp': (((numpy.exp, 'a0'), ), 't0'),
    'log': (((numpy.log, 'a0'), ), 't0'),
    'sqrt': (((numpy.sqrt, 'a0'), ), 't0'),
    'sin': (((numpy.sin, 'a0'), ), 't0'),
    'cos': (((numpy.cos, 'a0'), ), 't0'),
    'tan': (((numpy.tan, 'a0'), ), 't0'),
    'tanh': (((numpy.tanh, 'a0'), ), 't0'),
    'sigmoid': (((sigmoid, 'a0'), ), 't0'),
    'softplus': (((softplus, 'a0'), ), 't0'),
    'relu': (((numpy.maximum, 0.0, 'a0'), ), 't0'),
    'leaky_relu': (((numpy.minimum, 0.0, 'a0'), (numpy.multiply, 'a1', 't0'), (numpy.maximum, 0.0, 'a0'), (numpy.add, 't1', 't2'), ), 't3'),
    'elu': (((numpy.minimum, 0.0, 'a0'), (numpy.exp, 't0'), (numpy.subtract, 't1', 1.0), (numpy.multiply, 'a1', 't2'), (numpy.maximum, 0.0, 'a0'), (numpy.add, 't3', 't4'), ), 't5'),
    'abs': (((numpy.absolute, 'a0'), ), 't0'),
}

ROW_PARTIALS = {
    'add': (((), 1.0), ((), 1.0),),
    'sub': (((), 1.0), ((), -1.0),),
    'mul': (((), 'a1'), ((), 'a0'),),
    'div': ((((numpy.divide, 1.0, 'a1'), ), 't0'), (((numpy.divide, 'out', 'a1'), (numpy.negative, 't0'), ), 't1'),),
    'pow': ((((numpy.subtract, 'a1', 1.0), (numpy.power, 'a0', 't0'), (numpy.multiply, 'a1', 't1'), ), 't2'), (((numpy.log, 'a0'), (numpy.multiply, 'out', 't0'), ), 't1'),),
    'neg': (((), -1.0),),
    'exp': (((), 'out'),),
    'log': ((((numpy.divide, 1.0, 'a0'), ), 't0'),),
    'sqrt': ((((numpy.divide, 0.5, 'out'), ), 't0'),),
    'sin': ((((numpy.cos, 'a0'), ), 't0'),),
    'cos': ((((numpy.sin, 'a0'), (numpy.negative, 't0'), ), 't1'),),
    'tan': ((((numpy.square, 'out'), (numpy.add, 1.0, 't0'), ), 't1'),),
    'tanh': ((((numpy.square, 'out'), (numpy.subtract, 1.0, 't0'), ), 't1'),),
    'sigmoid': ((((numpy.subtract, 1.0, 'out'), (numpy.multiply, 'out', 't0'), ), 't1'),),
    'softplus': ((((sigmoid, 'a0'), ), 't0'),),
    'relu': ((((numpy.heaviside, 'a0', 0.5), ), 't0'),),
    'leaky_relu': ((((numpy.negative, 'a0'), (numpy.heaviside, 't0', 0.5), (numpy.multiply, 'a1', 't1'), (numpy.heaviside, 'a0', 0.5), (numpy.add, 't2', 't3'), ), 't4'), (((numpy.minimum, 0.0, 'a0'), ), 't0'),),
    'elu': ((((numpy.negative, 'a0'), (numpy.heaviside, 't0', 0.5), (numpy.multiply, 'a1', 't1'), (numpy.minimum, 0.0, 'a0'), (numpy.exp, 't3'), (numpy.multiply, 't2', 't4'), (numpy.heaviside, 'a0', 0.5), (numpy.add, 't5', 't6'), ), 't7'), (((numpy.minimum, 0.0, 'a0'), (numpy.exp, 't0'), (numpy.subtract, 't1', 1.0), ), 't2'),),
    'abs': ((((numpy.sign, 'a0'), ), 't0'),),
}

# batch runs a graph with any of these on several threads (rules.Operator.compute_bound)
COMPUTE_BOUND = frozenset(['cos', 'elu', 'exp', 'log', 'pow', 'sigmoid', 'sin', 'softplus', 'tan', 'tanh'])
