"""sonb.widgets: the ipywidgets layer over the sonb domain core."""
