"""Lessons: a guided path through the notebook's story, each with a goal the page checks — on the
student's own sliders and steps (``hands_on``: be the network) or on the runs made from the lesson.
``model`` (what a lesson is), ``logic`` (``LESSONS``), ``data_lessons`` (the two about the data),
``measures`` (the numbers lessons quote), ``glossary`` (the words), ``view``."""
