"""Backprop Explorer: step through backpropagation one derivative at a time."""
