"""Tabs of the Gradio app, one module each."""
