"""segcourse: the helper library of an open course on image segmentation.

Modules (each taught by a chapter of the course):

- :mod:`segcourse.data`: synthetic scenes with exact labels and shipped samples.
- :mod:`segcourse.labels`: one-hot, conversions between label formats, colour maps.
- :mod:`segcourse.outputs`: from a model's logits to probabilities (softmax,
  sigmoid, temperature), label maps, confidence, thresholds and resizing.
- :mod:`segcourse.metrics`: every score of the course.
- :mod:`segcourse.scenarios`: masks and predictions with known errors (an object at a
  chosen foreground fraction, an outline a few pixels off, a stray blob; objects missed,
  merged, split or duplicated), and their scores.
- :mod:`segcourse.losses`: every loss of the course.
- :mod:`segcourse.models`: a tiny U-Net and a short training loop.
- :mod:`segcourse.experiments`: a grid of trainings (loss x foreground fraction x seed)
  scored on held-out images, as a tidy table.
- :mod:`segcourse.plotting`: images, label maps, overlays and model outputs.
- :mod:`segcourse.widgets`: interactive demos, live in Jupyter and in the book.
- :mod:`segcourse.exercises`: checkers for the exercises.
"""

__version__ = "0.1.0"
