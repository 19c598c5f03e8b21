"""Charts shared by pages, without Streamlit: tables from runs (``frames``), Altair charts drawn from those
tables (``charts``), and the decision map painted as one picture (``picture``)."""
