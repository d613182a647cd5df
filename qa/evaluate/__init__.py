"""Evaluation: the sample questions through the user path, and the public benchmarks (BEIR SciFact, SQuAD)."""
