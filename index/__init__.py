"""Retrieval over the paper, the event readouts and the user's documents (and, alongside, question answering).

Nothing heavy is imported here: `status()` and the CLI must stay fast; torch loads only when embeddings are needed.
"""
