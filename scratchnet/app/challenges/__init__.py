"""Class challenges: a teacher's challenge link and a live class board, kept in a database. ``database``
and ``store`` (SQLAlchemy, no Streamlit), ``logic`` (rules, limits, scores, names, keys), ``board``, ``view``;
``ui/board_connection`` reaches the database through ``st.connection``."""
