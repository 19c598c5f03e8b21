"""Be the network: the lessons done by hand on the Lessons page (``logic``: the lessons and the
student's state, ``charts``: their charts, ``view``: their panels)."""
