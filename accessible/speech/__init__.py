"""Speech: text to WAV (say) and WAV plus options to a choice (listen)."""
