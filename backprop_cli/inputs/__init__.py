"""Reading what the user hands in: files and streams under the size limits, ``.npz`` archives checked
from their headers, and the ``-x 1``/``x=1``/``--bindings`` values of a command line. The layer
above the ground: it may import only ``errors`` and ``limits``.
"""
