"""Analysis of run outputs: outburst statistics."""
