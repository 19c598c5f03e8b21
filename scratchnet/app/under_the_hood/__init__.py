"""Under the hood: one training step laid bare, gradient checks, and what a trained network has inside.
``logic`` (gradient checks, unit maps), ``tiny`` and ``step`` (the step-through; each activation's formula and
notes come from its record in ``scratchnet.choices``), ``charts``, ``view``."""
