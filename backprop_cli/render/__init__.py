"""Every output format of a report: ``formats`` is the registry (one entry per ``--format``, its
writer named as "module:function" in this package and imported only when used), ``table``,
``cells``, ``text``, ``json_document``, ``csv_rows`` and ``graph_export`` are the writers,
``operators`` lists the operator table for ``backprop ops``, ``terminal`` knows the console. It
may import ``errors``, ``limits``, ``inputs``, ``rules``, ``language``, ``engine`` and ``report``.
"""
