"""Streamlit views shared by pages: ``session`` (the one owner of the session's state), ``live`` (the one
polling fragment), ``cache`` (the runs shared between sessions), ``nav``, ``controls`` (the one control
renderer), ``run_panel``, ``run_controls``, ``take_home``, ``links`` (the share panel),
``bars`` (what other pages show on the Playground)."""
