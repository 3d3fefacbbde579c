"""``backprop exercise``: worksheets of backpropagation exercises and their answer keys (issue #14).

``command`` runs a request; ``generate`` draws random exercises; ``sheet`` holds what
every sheet shows; ``sheet_markdown``, ``sheet_csv`` and ``sheet_latex`` write it;
``roster`` reads a class list.
"""
