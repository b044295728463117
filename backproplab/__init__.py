"""backproplab's command line: ``python -m backproplab port|doctor|notebooks|exercises|demo``.

The library itself is the three packages ``autograd``, ``nn`` and ``optim``; this package only
holds the commands that help people use them. It may import them; nothing imports it.
"""
