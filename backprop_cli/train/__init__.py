"""The ``train`` command: a small network trained by the backpropagation the course teaches.
``command`` runs it, ``training`` holds the loop and its presets, ``network`` the multilayer
perceptron on NumPy, ``datasets`` the loaders (the bundled digits live in ``data/`` beside
them), ``saved_runs`` reads and writes ``.npz`` runs, ``output`` shows progress, plot and
summary. It may import every layer below the commands, never another command; ``cli`` imports it.
"""
