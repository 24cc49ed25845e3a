"""Stage 1, files: rule, fact and state files read with their locations and limits; the one writer."""
