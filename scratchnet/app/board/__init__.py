"""The class's database, with no Streamlit: a challenge's rules (``logic``), the tables, their schema
version and migration (``database``), and the SQL that reads and writes them (``store``, ``classes``).

It sits below ``ui`` so that every page can keep a student's progress and board entries in one
place: the Lessons page records goals met, the Challenges page the board, through
``ui/board_connection`` (Streamlit's ``st.connection``)."""
