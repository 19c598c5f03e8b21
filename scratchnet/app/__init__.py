"""The Streamlit app around the engine. The engine (``scratchnet``) never imports this package.

- ``runs``: what a run is, without Streamlit (configuration, presets, cost, results, jobs, the trainer pool).
- ``plots``: charts shared by pages, without Streamlit (tables in, Altair charts out).
- ``ui``: Streamlit views shared by pages (session state, polling, the shared runs, controls, the run panel).
- One package per page — ``playground``, ``experiments``, ``under_the_hood``, ``sweep``, ``lessons``,
  ``challenges`` — each with ``logic`` (no Streamlit), ``charts`` (no Streamlit) and ``view`` (Streamlit).

Only ``ui`` and the pages' ``view`` modules import Streamlit; a test holds every other module to that.
"""
