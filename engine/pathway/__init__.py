"""Stage 2, the rule set: file models, fact files, the compile passes and the compiled `Pathway`."""
