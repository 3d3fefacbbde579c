"""The rules of ``_derived.py`` on NumPy arrays, for ``batch``. Generated: do not edit.

Regenerate with ``python -m backprop_cli.codegen``. Imported only by ``batch``, so
that ``grad`` never pays for NumPy.
"""
# ruff: noqa
import numpy

from ._numpyfns import sigmoid, softplus


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
    'add': (lambda ARG0, ARG1: 1, lambda ARG0, ARG1: 1,),
    'sub': (lambda ARG0, ARG1: 1, lambda ARG0, ARG1: -1,),
    'mul': (lambda ARG0, ARG1: ARG1, lambda ARG0, ARG1: ARG0,),
    'div': (lambda ARG0, ARG1: ARG1**(-1.0), lambda ARG0, ARG1: -ARG0/ARG1**2,),
    'pow': (lambda ARG0, ARG1: ARG0**(ARG1 - 1)*ARG1, lambda ARG0, ARG1: ARG0**ARG1*numpy.log(ARG0),),
    'neg': (lambda ARG0: -1,),
    'exp': (lambda ARG0: numpy.exp(ARG0),),
    'log': (lambda ARG0: ARG0**(-1.0),),
    'sqrt': (lambda ARG0: (1/2)/numpy.sqrt(ARG0),),
    'sin': (lambda ARG0: numpy.cos(ARG0),),
    'cos': (lambda ARG0: -numpy.sin(ARG0),),
    'tan': (lambda ARG0: numpy.tan(ARG0)**2 + 1,),
    'tanh': (lambda ARG0: 1 - numpy.tanh(ARG0)**2,),
    'sigmoid': (lambda ARG0: (1 - sigmoid(ARG0))*sigmoid(ARG0),),
    'softplus': (lambda ARG0: sigmoid(ARG0),),
    'relu': (lambda ARG0: numpy.heaviside(ARG0, 0.5),),
    'leaky_relu': (lambda ARG0, ARG1: ARG1*numpy.heaviside(-ARG0, 0.5) + numpy.heaviside(ARG0, 0.5), lambda ARG0, ARG1: numpy.minimum(0, ARG0),),
    'elu': (lambda ARG0, ARG1: ARG1*numpy.exp(numpy.minimum(0, ARG0))*numpy.heaviside(-ARG0, 0.5) + numpy.heaviside(ARG0, 0.5), lambda ARG0, ARG1: numpy.exp(numpy.minimum(0, ARG0)) - 1,),
    'abs': (lambda ARG0: numpy.sign(ARG0),),
}
