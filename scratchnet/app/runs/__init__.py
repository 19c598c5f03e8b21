"""What a run is, without Streamlit: its configuration and the FIELDS it is drawn from, presets, the
cost estimate, data and results, training jobs and the trainer pool, links, points, uploads, downloads."""
