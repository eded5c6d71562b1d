"""The marts: SQL models, the Python statistics layer, confidentiality inputs, checks and alerts."""
