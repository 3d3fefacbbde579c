"""``python -m backprop_cli`` is the ``backprop`` command."""

from .cli import main

main()
