"""Lessons: a guided path through the notebook's story, each with a goal the page checks against this
session's runs. ``model`` (what a lesson is), ``logic`` (``LESSONS``), ``measures`` (the numbers lessons
quote), ``view``."""
