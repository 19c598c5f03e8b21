"""The Challenges page's class: the teacher's and the projector's views, a student's own page, joining."""
