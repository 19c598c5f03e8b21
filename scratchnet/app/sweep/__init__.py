"""Sweep: one small network per cell of a grid over two settings. ``axes`` and ``logic`` (no Streamlit),
``charts``, ``view``."""
