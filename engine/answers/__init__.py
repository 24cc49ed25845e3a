"""Stage 4, answers as data: step states, why and why not, plans, Chart 1, questions in words."""
