"""The plan: its files read with positions, validated into the typed model, merged and checked."""
