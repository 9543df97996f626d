"""Shared vocabulary: text normalisation, periods, reference data, messages, labels."""
