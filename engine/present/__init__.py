"""Stage 5, presentation: the sentences people read, composed from the answers' data in one place."""
