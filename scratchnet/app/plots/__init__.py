"""Charts shared by pages, without Streamlit: tables from runs (``frames``), Altair charts drawn from those
tables (``charts``; the confusion matrix in ``confusion``), the decision map painted as one picture
(``picture``), and a unit's map painted the one way every page shows it (``unit_map``)."""

from altair.utils.schemapi import disable_debug_mode

# Altair checks every object it makes (each alt.Scale, alt.Axis, alt.Legend…) against the whole Vega-Lite
# schema as it is made ("debug mode"): 2 to 3 ms an object, some 30 to a chart, most of a redraw's time.
# The builders are pure functions, and the tests check every chart's whole spec against the schema
# (tests/app_helpers.charts); a wrong property still fails there. This is the one place it is turned off,
# for every chart the app makes (page charts import their shared pieces from here).
disable_debug_mode()
