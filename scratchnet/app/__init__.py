"""The Streamlit app's glue: configuration, training jobs, data frames, charts and widgets.

The engine (``scratchnet``) never imports this package. Only ``widgets``, ``cached`` and
``views`` import Streamlit; ``config``, ``jobs``, ``frames`` and ``charts`` are plain Python,
so they can be tested and reused without a running app.
"""
