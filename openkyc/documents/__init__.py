"""Documents: reading identity documents (MRZ and printed fields) and validating them."""
