"""Rules derived by SymPy 1.14.0 from ``rules/table.py``. Generated: do not edit.

Regenerate with ``python -m backprop_cli.rules.codegen``. FORWARD takes the inputs as
ARG0, ARG1, ...; PARTIALS the inputs and then the node's value OUT; SYMBOLIC
holds the partials as text templates, in the inputs only.
"""
# ruff: noqa
from math import cos, exp, log, sin, sqrt, tan, tanh
from ..mathfns import heaviside, maximum, minimum, mpow, sigmoid, sign, softplus

FINGERPRINT = '19e9bef3a35d2350'  # of the table rows these rules come from (codegen.fingerprint)


FORWARD = {
    'add': lambda ARG0, ARG1: ARG0 + ARG1,
    'sub': lambda ARG0, ARG1: ARG0 - ARG1,
    'mul': lambda ARG0, ARG1: ARG0*ARG1,
    'div': lambda ARG0, ARG1: ARG0/ARG1,
    'pow': lambda ARG0, ARG1: mpow(ARG0, ARG1),
    'neg': lambda ARG0: -ARG0,
    'exp': lambda ARG0: exp(ARG0),
    'log': lambda ARG0: log(ARG0),
    'sqrt': lambda ARG0: sqrt(ARG0),
    'sin': lambda ARG0: sin(ARG0),
    'cos': lambda ARG0: cos(ARG0),
    'tan': lambda ARG0: tan(ARG0),
    'tanh': lambda ARG0: tanh(ARG0),
    'sigmoid': lambda ARG0: sigmoid(ARG0),
    'softplus': lambda ARG0: softplus(ARG0),
    'relu': lambda ARG0: maximum(0, ARG0),
    'leaky_relu': lambda ARG0, ARG1: ARG1*minimum(0, ARG0) + maximum(0, ARG0),
    'elu': lambda ARG0, ARG1: ARG1*(exp(minimum(0, ARG0)) - 1) + maximum(0, ARG0),
    'abs': lambda ARG0: abs(ARG0),
}

PARTIALS = {
    'add': (lambda ARG0, ARG1, OUT: 1, lambda ARG0, ARG1, OUT: 1,),
    'sub': (lambda ARG0, ARG1, OUT: 1, lambda ARG0, ARG1, OUT: -1,),
    'mul': (lambda ARG0, ARG1, OUT: ARG1, lambda ARG0, ARG1, OUT: ARG0,),
    'div': (lambda ARG0, ARG1, OUT: 1/ARG1, lambda ARG0, ARG1, OUT: -OUT/ARG1,),
    'pow': (lambda ARG0, ARG1, OUT: mpow(ARG0, ARG1 - 1)*ARG1, lambda ARG0, ARG1, OUT: OUT*log(ARG0),),
    'neg': (lambda ARG0, OUT: -1,),
    'exp': (lambda ARG0, OUT: OUT,),
    'log': (lambda ARG0, OUT: 1/ARG0,),
    'sqrt': (lambda ARG0, OUT: (1/2)/OUT,),
    'sin': (lambda ARG0, OUT: cos(ARG0),),
    'cos': (lambda ARG0, OUT: -sin(ARG0),),
    'tan': (lambda ARG0, OUT: OUT**2 + 1,),
    'tanh': (lambda ARG0, OUT: 1 - OUT**2,),
    'sigmoid': (lambda ARG0, OUT: OUT*(1 - OUT),),
    'softplus': (lambda ARG0, OUT: sigmoid(ARG0),),
    'relu': (lambda ARG0, OUT: heaviside(ARG0),),
    'leaky_relu': (lambda ARG0, ARG1, OUT: ARG1*heaviside(-ARG0) + heaviside(ARG0), lambda ARG0, ARG1, OUT: minimum(0, ARG0),),
    'elu': (lambda ARG0, ARG1, OUT: ARG1*exp(minimum(0, ARG0))*heaviside(-ARG0) + heaviside(ARG0), lambda ARG0, ARG1, OUT: exp(minimum(0, ARG0)) - 1,),
    'abs': (lambda ARG0, OUT: sign(ARG0),),
}

SYMBOLIC = {
    ('add', 2): ('1', '1',),
    ('add', (0, 0)): ('2',),
    ('sub', 2): ('1', '-1',),
    ('sub', (0, 0)): ('0',),
    ('mul', 2): ('ARG1', 'ARG0',),
    ('mul', (0, 0)): ('2*ARG0',),
    ('div', 2): ('1/ARG1', '-ARG0/ARG1**2',),
    ('div', (0, 0)): ('0',),
    ('pow', 2): ('ARG0**(ARG1 - 1)*ARG1', 'ARG0**ARG1*log(ARG0)',),
    ('pow', (0, 0)): ('ARG0**ARG0*(log(ARG0) + 1)',),
    ('neg', 1): ('-1',),
    ('exp', 1): ('exp(ARG0)',),
    ('log', 1): ('1/ARG0',),
    ('sqrt', 1): ('1/(2*sqrt(ARG0))',),
    ('sin', 1): ('cos(ARG0)',),
    ('cos', 1): ('-sin(ARG0)',),
    ('tan', 1): ('tan(ARG0)**2 + 1',),
    ('tanh', 1): ('1 - tanh(ARG0)**2',),
    ('sigmoid', 1): ('(1 - sigmoid(ARG0))*sigmoid(ARG0)',),
    ('softplus', 1): ('sigmoid(ARG0)',),
    ('relu', 1): ('Heaviside(ARG0)',),
    ('leaky_relu', 2): ('ARG1*Heaviside(-ARG0) + Heaviside(ARG0)', 'Min(0, ARG0)',),
    ('leaky_relu', (0, 0)): ('ARG0*Heaviside(-ARG0) + Heaviside(ARG0) + Min(0, ARG0)',),
    ('elu', 2): ('ARG1*exp(Min(0, ARG0))*Heaviside(-ARG0) + Heaviside(ARG0)', 'exp(Min(0, ARG0)) - 1',),
    ('elu', (0, 0)): ('ARG0*exp(Min(0, ARG0))*Heaviside(-ARG0) + exp(Min(0, ARG0)) + Heaviside(ARG0) - 1',),
    ('abs', 1): ('sign(ARG0)',),
    ('max', 2): ('Heaviside(ARG0 - ARG1)', 'Heaviside(-ARG0 + ARG1)',),
    ('max', 3): ('Heaviside(ARG0 - Max(ARG1, ARG2))', 'Heaviside(ARG1 - Max(ARG0, ARG2))', 'Heaviside(ARG2 - Max(ARG0, ARG1))',),
    ('min', 2): ('Heaviside(-ARG0 + ARG1)', 'Heaviside(ARG0 - ARG1)',),
    ('min', 3): ('Heaviside(-ARG0 + Min(ARG1, ARG2))', 'Heaviside(-ARG1 + Min(ARG0, ARG2))', 'Heaviside(-ARG2 + Min(ARG0, ARG1))',),
}
