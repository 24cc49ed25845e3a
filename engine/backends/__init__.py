"""Stage 3, evaluation: the `Evaluator` protocol, the durable-rules adapter and the reference evaluator."""
