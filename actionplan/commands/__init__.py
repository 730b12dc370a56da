"""The commands: one module for each command beyond reading a plan, each calling the stages."""
