"""Experiments: the notebook replayed as written and corrected, optimizers side by side, this session's runs
overlaid. ``logic`` (no Streamlit), ``charts``, ``view``."""
